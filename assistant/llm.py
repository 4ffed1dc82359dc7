"""Generation backends behind one small interface: Ollama (a server) and llama.cpp (embedded).

`Generator.stream(messages)` yields text pieces as the model produces them. `select_backend`
implements `--backend auto`: Ollama when it answers and has the model, else the embedded model.
Every answer records which backend and model produced it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator

from assistant.config import Settings
from assistant.errors import BackendUnavailableError, ConfigError
from assistant.models import resolve

Message = dict[str, str]
OLLAMA_DEFAULT_MODEL = "qwen2.5-coder:0.5b"


class Generator(ABC):
    backend: str
    model: str

    @abstractmethod
    def stream(self, messages: list[Message], max_tokens: int) -> Iterator[str]:
        """Yield the reply to `messages` piece by piece (greedy decoding)."""

    def complete(self, messages: list[Message], max_tokens: int) -> str:
        return "".join(self.stream(messages, max_tokens))


class LlamaCppGenerator(Generator):
    """A GGUF model run in-process by llama-cpp-python."""

    backend = "llamacpp"

    def __init__(self, model: str, settings: Settings) -> None:
        import os

        # llama.cpp's OpenMP threads spin while they wait by default: two answering processes on
        # one machine then starve each other (seconds become minutes). Sleeping threads share.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        from llama_cpp import Llama

        self.model, path = resolve(model, settings.model_dir)
        self.num_ctx = settings.num_ctx
        self._llm = Llama(
            model_path=str(path),
            n_ctx=settings.num_ctx,
            n_threads=settings.threads,
            n_batch=512,
            verbose=False,
        )

    def stream(self, messages: list[Message], max_tokens: int) -> Iterator[str]:
        prompt_tokens = sum(len(self._llm.tokenize(m["content"].encode())) for m in messages)
        if prompt_tokens + max_tokens > self.num_ctx:
            raise ConfigError(
                f"prompt of about {prompt_tokens} tokens does not fit num_ctx={self.num_ctx}"
            )
        for part in self._llm.create_chat_completion(
            messages=messages,  # type: ignore[arg-type]
            max_tokens=max_tokens,
            temperature=0.0,
            top_k=1,
            repeat_penalty=1.0,
            stream=True,
        ):
            delta = part["choices"][0]["delta"].get("content")  # type: ignore[index]
            if delta:
                yield delta


class OllamaGenerator(Generator):
    """A model served by Ollama, through the official client."""

    backend = "ollama"

    def __init__(self, model: str, settings: Settings) -> None:
        import ollama

        self.model = model or OLLAMA_DEFAULT_MODEL
        self.url = settings.ollama_url
        self.num_ctx = settings.num_ctx
        self._client = ollama.Client(host=settings.ollama_url, timeout=settings.ollama_timeout)

    def models(self) -> list[str]:
        try:
            listed = self._client.list()
        except Exception as exc:
            raise BackendUnavailableError(
                f"Ollama is not reachable at {self.url} ({type(exc).__name__}). Start it with "
                "`ollama serve`, set --ollama-url, or use --backend llamacpp."
            ) from exc
        return [m.model or "" for m in listed.models]

    def check(self) -> None:
        names = self.models()
        wanted = {self.model, f"{self.model}:latest"}
        if not wanted & set(names):
            raise BackendUnavailableError(
                f"Ollama at {self.url} does not have the model '{self.model}'. "
                f"Run `ollama pull {self.model}` (available: {', '.join(names) or 'none'})."
            )

    def stream(self, messages: list[Message], max_tokens: int) -> Iterator[str]:
        import ollama

        try:
            for part in self._client.chat(
                model=self.model,
                messages=messages,
                stream=True,
                options={"temperature": 0, "num_ctx": self.num_ctx, "num_predict": max_tokens},
            ):
                if part.message and part.message.content:
                    yield part.message.content
        except ollama.ResponseError as exc:
            raise BackendUnavailableError(f"Ollama refused the request: {exc.error}") from exc
        except (ConnectionError, OSError) as exc:
            raise BackendUnavailableError(f"Ollama stopped answering at {self.url}") from exc
        except Exception as exc:
            if type(exc).__module__.startswith("httpx"):
                raise BackendUnavailableError(
                    f"Ollama stopped answering at {self.url} ({type(exc).__name__})"
                ) from exc
            raise


def select_backend(settings: Settings) -> Generator:
    """The generator for settings.backend; 'auto' prefers a running Ollama that has the model."""
    if settings.backend == "llamacpp":
        return LlamaCppGenerator(settings.model, settings)
    if settings.backend == "ollama":
        gen = OllamaGenerator(settings.model, settings)
        gen.check()
        return gen
    probe = settings.model_copy(update={"ollama_timeout": 1.0})
    try:
        gen = OllamaGenerator(settings.model or OLLAMA_DEFAULT_MODEL, probe)
        gen.check()
        return OllamaGenerator(gen.model, settings)
    except BackendUnavailableError:
        model = settings.model if _looks_local(settings.model) else ""
        return LlamaCppGenerator(model, settings)


def _looks_local(model: str) -> bool:
    from assistant.models import PACKAGED

    return model in PACKAGED or model.endswith(".gguf")
