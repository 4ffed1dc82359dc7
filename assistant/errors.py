"""The library's errors. Only the CLI and the web UI turn them into messages and exit codes."""


class AssistantError(Exception):
    """Base class: a problem the user can act on, with a message that says how."""


class ConfigError(AssistantError):
    """A setting is missing or invalid."""


class NothingIndexedError(AssistantError):
    """A question was asked before any document was ingested."""


class BackendUnavailableError(AssistantError):
    """The generation backend cannot be reached or lacks the requested model."""


class StoreUnavailableError(AssistantError):
    """The vector store (for example a Chroma server) cannot be reached."""


class DocumentError(AssistantError):
    """One input file cannot be read; the message names the reason."""


class QuestionError(AssistantError):
    """The question cannot be asked as given (for example, it is empty)."""


class StoreBusyError(AssistantError):
    """Another process is writing to the same library."""
