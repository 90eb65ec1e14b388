"""Every error imr_llm raises on purpose.

One root, so a caller can catch everything this library means to say with a
single ``except ImrError``; the branches say whose fault it was::

    ImrError
    ├── InputError                  the input could not be read as text
    │   ├── InputNotFoundError      no such file
    │   ├── EmptyInputError         empty, or only whitespace
    │   ├── InputTooLargeError      over the documented size limit
    │   ├── BinaryInputError        bytes that are not text (and not a PDF)
    │   ├── DecodeError             text in no encoding we accept
    │   └── PdfError                a broken PDF, or one with no text layer
    ├── NotADeterminationError      readable text, but not an IMR determination
    ├── LLMError                    the language model path failed
    │   ├── LLMUnavailableError     connection, timeout, 5xx, 429 after retries
    │   ├── LLMRequestError         rejected request (400, 401, 403, 404)
    │   └── LLMValidationError      answers kept failing validation after re-asks
    └── ConfigError                 a setting that cannot work

Errors carry what happened (``source``, ``attempts``, ``last_error``) so a batch
run can report them as data rather than as tracebacks.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "BinaryInputError",
    "ConfigError",
    "DecodeError",
    "EmptyInputError",
    "ImrError",
    "InputError",
    "InputNotFoundError",
    "InputTooLargeError",
    "LLMError",
    "LLMRequestError",
    "LLMUnavailableError",
    "LLMValidationError",
    "NotADeterminationError",
    "PdfError",
]


class ImrError(Exception):
    """Root of every error imr_llm raises on purpose."""

    def __init__(self, message: str, *, source: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.source = source

    def __str__(self) -> str:
        return f"{self.source}: {self.message}" if self.source else self.message

    def to_dict(self) -> dict[str, str]:
        """The shape a batch run prints for a failed input."""
        return {"type": type(self).__name__, "message": self.message}


class InputError(ImrError):
    """The input could not be turned into text."""


class InputNotFoundError(InputError):
    """The path does not exist or is not a file."""


class EmptyInputError(InputError):
    """The input holds no text at all."""


class InputTooLargeError(InputError):
    """The input is larger than :data:`imr_llm.reading.MAX_INPUT_BYTES`."""

    def __init__(self, message: str, *, size: int, limit: int, source: str | None = None) -> None:
        super().__init__(message, source=source)
        self.size = size
        self.limit = limit


class BinaryInputError(InputError):
    """Bytes that are neither plain text nor a PDF (an image, an archive, a Word or RTF
    document); the message says which, where its first bytes tell, and what to do."""


class DecodeError(InputError):
    """Text in an encoding we cannot read."""


class PdfError(InputError):
    """A PDF that cannot be opened, or whose pages carry no text (it needs OCR)."""


class NotADeterminationError(ImrError):
    """Readable text that is not an IMR final determination letter."""


class LLMError(ImrError):
    """The language-model path failed; callers fall back to the rules result."""

    def __init__(
        self,
        message: str,
        *,
        attempts: int = 0,
        last_error: BaseException | None = None,
        usage: Any = None,
        source: str | None = None,
    ) -> None:
        super().__init__(message, source=source)
        self.attempts = attempts
        self.last_error = last_error
        self.usage = usage
        """What the failed attempts cost (an :class:`imr_llm.Usage`), when known."""


class LLMUnavailableError(LLMError):
    """Transient failures (connection, timeout, 429, 5xx) outlasted the retry budget."""


class LLMRequestError(LLMError):
    """The service refused the request itself (400, 401, 403, 404): retrying cannot help."""


class LLMValidationError(LLMError):
    """The model's answers still failed validation after the allowed re-asks."""


class ConfigError(ImrError):
    """A setting that cannot work (a negative timeout, an unknown mode, ...)."""

    def __init__(self, message: str, *, setting: str | None = None) -> None:
        super().__init__(message)
        self.setting = setting
        """The :class:`imr_llm.Settings` field at fault, when there is one."""
