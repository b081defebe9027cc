"""Store backends behind one interface, chosen by the ``store`` setting.

``memory`` (rdflib, for tests and small graphs), ``oxigraph:memory``, ``oxigraph:PATH``
(the embedded default, on disk). ``sparql:QUERY_URL[,UPDATE_URL]`` names a remote
SPARQL 1.1 store, served by ``kg/store/remote.py`` when that backend is installed.
"""

from __future__ import annotations

from importlib import import_module

from thb_graph.config import Settings
from thb_graph.errors import ConfigError
from thb_graph.kg.iris import Iris
from thb_graph.kg.store.base import QueryResult, Store

SCHEMES = ("memory", "oxigraph:memory", "oxigraph:PATH", "sparql:QUERY_URL[,UPDATE_URL]")


def store_prefixes(settings: Settings) -> dict[str, str]:
    """The prefixes stores write into Turtle and TriG dumps, under the configured base."""
    from thb_graph.kg.build import prefixes_for

    return prefixes_for(Iris(settings.base_iri))


def open_store(settings: Settings, *, read_only: bool = False) -> Store:
    """Open the store named by ``settings.store``; ConfigError for an unknown scheme."""
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


__all__ = ["QueryResult", "Store", "open_store"]
