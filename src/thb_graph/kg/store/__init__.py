"""Store backends behind one interface, chosen by the ``store`` setting.

``memory`` (rdflib, for tests and small graphs), ``oxigraph:memory``, ``oxigraph:PATH``
(the embedded default, on disk). ``sparql:QUERY_URL[,UPDATE_URL]`` names a remote
SPARQL 1.1 store, served by ``kg/store/remote.py`` when that backend is installed.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module

from thb_graph.config import Settings
from thb_graph.errors import ConfigError, StoreLockedError
from thb_graph.kg.iris import Iris
from thb_graph.kg.store.base import QueryResult, Store

SCHEMES = ("memory", "oxigraph:memory", "oxigraph:PATH", "sparql:QUERY_URL[,UPDATE_URL]")


def store_prefixes(settings: Settings) -> dict[str, str]:
    """The prefixes stores write into Turtle and TriG dumps, under the configured base."""
    from thb_graph.kg.build import prefixes_for

    return prefixes_for(Iris(settings.base_iri))


def open_store(settings: Settings, *, read_only: bool = False) -> Store:
    """Open the store named by ``settings.store``; ConfigError for an unknown scheme.

    ``read_only`` opens an on-disk Oxigraph store without taking its lock, so it works beside
    the process holding it (a running server); it sees the store as it was when opened.
    Opening it read-write while another process holds it raises StoreLockedError.
    """
    spec = settings.store.strip()
    prefixes = store_prefixes(settings)
    scheme = spec.split(":", 1)[0].lower()
    if spec == "memory":
        from thb_graph.kg.store.memory import MemoryStore

        return MemoryStore(prefixes)
    if scheme == "oxigraph":
        from thb_graph.kg.store.oxigraph import open_oxigraph

        return open_oxigraph(spec, prefixes, read_only=read_only)
    if scheme == "sparql":
        try:
            remote = import_module("thb_graph.kg.store.remote")
        except ModuleNotFoundError as e:
            if e.name != "thb_graph.kg.store.remote":
                raise
            raise ConfigError(f"store {spec!r}: the remote SPARQL backend is not installed") from e
        return remote.open_remote(settings)  # type: ignore[no-any-return]
    raise ConfigError(f"unknown store {spec!r}: expected one of {', '.join(SCHEMES)}")


@dataclass(frozen=True)
class OpenedStore:
    """A store opened for reading, and whether another process held it (then read-only)."""

    store: Store
    read_only: bool

    def describe(self, settings: Settings) -> str:
        """One line saying how the store was opened, for the user."""
        if self.read_only:
            return (
                f"note: the store {settings.store} is held by another process (a running "
                "server?): opened it read-only, as it was at this moment"
            )
        return f"note: opened the store {settings.store}"


def open_store_for_reading(settings: Settings) -> OpenedStore:
    """Open the configured store read-write, or read-only when another process (a running
    server) holds it: for commands that only read."""
    try:
        return OpenedStore(open_store(settings), read_only=False)
    except StoreLockedError:
        return OpenedStore(open_store(settings, read_only=True), read_only=True)


__all__ = ["OpenedStore", "QueryResult", "Store", "open_store", "open_store_for_reading"]
