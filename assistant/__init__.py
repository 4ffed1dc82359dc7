"""A local research assistant for tech-policy reports: cited answers with checked figures."""

__version__ = "0.1.0"
