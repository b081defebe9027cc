"""The domain exception tree. No HTTP status codes here: `web/errors.py` maps these."""

from __future__ import annotations

from typing import Any


class ThbGraphError(Exception):
    """Base of every error the project raises on purpose.

    Every error pickles with all it carries (line, column, a validation report...), so it
    crosses from a worker process to the server intact.
    """

    def __init__(self, message: str, *, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle with every attribute (a report, a line), whatever ``__init__`` takes: an
        error travels back from the child process of an engine step (``kg.isolate``)."""
        return (_rebuild, (type(self), self.args, self.__dict__))


def _rebuild(cls: type[ThbGraphError], args: tuple[Any, ...], state: dict[str, Any]) -> Any:
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


class ConfigError(ThbGraphError):
    """A setting is missing, malformed or contradicts another."""


class BadRequestError(ThbGraphError):
    """A request is malformed in a way no more precise error describes."""


class QuerySyntaxError(BadRequestError):
    """A SPARQL query or update does not parse; carries line and column when known."""

    def __init__(self, message: str, *, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.line = line
        self.column = column


class QueryRejectedError(BadRequestError):
    """A query parses but is refused by a guard (SERVICE, LOAD, outside graphs, nesting...)."""


class TooLargeError(ThbGraphError):
    """A query, update or upload is larger than the configured limit."""


class UriTooLongError(TooLargeError):
    """A query sent in the URL (GET) is larger than the configured limit."""


class OverloadedError(ThbGraphError):
    """Refused for load: the work ran out of time or nothing was free to run it. Not the
    client's fault, and trying again later may succeed."""


class QueryTimeoutError(OverloadedError):
    """A query or write ran past the configured timeout and was stopped."""


class ServerBusyError(QueryTimeoutError):
    """Nothing was run: every query worker, or the write lock, stayed busy.

    ``retry_after`` is how many seconds a client should wait before trying again.
    """

    def __init__(self, message: str, *, retry_after: int = 1) -> None:
        super().__init__(message)
        self.retry_after = max(1, retry_after)


class NotFoundError(ThbGraphError):
    """An entity, graph, page or file that does not exist."""


class LinksFullError(ThbGraphError):
    """The table of shared query links holds all it may; nothing was added."""


class UnknownFormatError(ThbGraphError):
    """No serialisation fits what the client accepts or asked for."""


class UnsupportedMediaTypeError(ThbGraphError):
    """A request body is in a media type the endpoint does not read."""


class RdfSyntaxError(BadRequestError):
    """Uploaded RDF does not parse; carries line and column when known."""

    def __init__(self, message: str, *, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.line = line
        self.column = column


class ShapeViolationError(ThbGraphError):
    """Data does not conform to the SHACL shapes; carries the validation report."""

    def __init__(self, message: str, *, report: Any) -> None:
        super().__init__(message)
        self.report = report


class AuthenticationError(ThbGraphError):
    """A write came without credentials."""


class ForbiddenError(ThbGraphError):
    """A write came with wrong credentials, or writes are switched off."""


class StoreError(ThbGraphError):
    """The store failed for a reason that is not the client's fault."""


class EngineCrashError(StoreError):
    """A native library died (a signal) while doing a named step of the engine's work."""


class StoreUnavailableError(StoreError):
    """A remote store could not be reached or answered with an error."""


class StoreLockedError(StoreError):
    """An on-disk store is held by another process (such as a running server)."""


class StorageFullError(StoreError):
    """The disk holding the store has no room for a write; nothing was changed."""


class WorkerLostError(StoreError):
    """A worker process died while running a job (killed, or out of memory)."""
