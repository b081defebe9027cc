"""Settings: defaults <- TOML file <- THB_GRAPH_* environment <- command-line flags.

One frozen dataclass; each field has a default and a one-line help (its ``help`` metadata).
Built once by the CLI (or a test) and passed explicitly; nothing reads the environment at
import time.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from thb_graph.errors import ConfigError
from thb_graph.namespaces import DEFAULT_BASE_IRI

ENV_PREFIX = "THB_GRAPH_"


#: Where a built package keeps its copy of ontology/, data/, shapes/, queries/ and sources/.
PACKAGED_SOURCES = Path(__file__).resolve().parent / "bundle"


def _checkout_dir() -> Path | None:
    """The checkout root when running from one (it holds ontology/ and data/), else None."""
    root = Path(__file__).resolve().parents[2]
    return root if (root / "ontology").is_dir() and (root / "data").is_dir() else None


def _project_dir() -> Path:
    """The sources shipped with this code: the checkout, else the packaged copy."""
    return _checkout_dir() or PACKAGED_SOURCES


def user_data_dir(env: Mapping[str, str] | None = None) -> Path:
    """The user data folder of thb-graph (XDG: ``$XDG_DATA_HOME/thb-graph``)."""
    environ = os.environ if env is None else env
    base = environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "thb-graph"


def _default_store() -> str:
    """``var/store`` in a checkout; the user data folder for an installed package."""
    if _checkout_dir() is not None:
        return "oxigraph:var/store"
    return f"oxigraph:{user_data_dir() / 'store'}"


def _default_releases_dir() -> str:
    """``var/releases`` in a checkout; the user data folder for an installed package."""
    return "var/releases" if _checkout_dir() is not None else str(user_data_dir() / "releases")


def _default_links_file() -> str:
    """``var/links.sqlite`` in a checkout; the user data folder for an installed package."""
    if _checkout_dir() is not None:
        return "var/links.sqlite"
    return str(user_data_dir() / "links.sqlite")


def _setting(default: Any, help: str) -> Any:
    if isinstance(default, list | dict):
        return field(default_factory=lambda: type(default)(default), metadata={"help": help})
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class Settings:
    """Every setting of thb-graph, with its default."""

    base_iri: str = _setting(
        DEFAULT_BASE_IRI, "Base IRI of entities (id/{kind}/{slug}), graphs and the ontology."
    )
    source_dir: str = field(
        default_factory=lambda: str(_project_dir()),
        metadata={"help": "Folder holding ontology/, data/, shapes/ and queries/."},
    )
    store: str = field(
        default_factory=_default_store,
        metadata={
            "help": "Store backend: oxigraph:PATH, oxigraph:memory, memory, or "
            "sparql:QUERY_URL[,UPDATE_URL]."
        },
    )
    releases_dir: str = field(
        default_factory=_default_releases_dir,
        metadata={
            "help": "Folder of the releases made by `thb-graph release`, served under /release/."
        },
    )
    links_file: str = field(
        default_factory=_default_links_file,
        metadata={
            "help": "SQLite file of the short links made by the query editor's 'Link to this "
            "query' (empty: no short links; the editor then gives the long link)."
        },
    )
    max_links: int = _setting(
        10000, "Most short query links kept; once reached, new ones are refused with 507."
    )
    trusted_proxies: int = _setting(
        0,
        "Reverse proxies in front of the server whose X-Forwarded-For/-Proto/-Host/-Prefix "
        "headers are trusted (0: none).",
    )
    host: str = _setting("127.0.0.1", "Address the server listens on.")
    port: int = _setting(8000, "Port the server listens on.")
    workers: int = _setting(
        2,
        "Query workers of the server (each runs one query at a time and is stopped at the "
        "time limit).",
    )
    query_timeout_s: float = _setting(
        10.0, "Seconds a query may run before it is stopped and answered with 503."
    )
    max_result_rows: int = _setting(
        10000, "Most SELECT rows or graph triples returned; more are cut and the cut is signalled."
    )
    max_query_bytes: int = _setting(
        65536, "Largest query or update text accepted, in bytes (larger: 413, or 414 in a URL)."
    )
    max_body_bytes: int = _setting(
        10 * 1024 * 1024, "Largest request body accepted (uploads included), in bytes."
    )
    write_token: str = _setting(
        "", "Bearer token that enables SPARQL Update and the Graph Store Protocol (empty: off)."
    )
    write_token_name: str = _setting(
        "editor", "Name recorded in the write history for the holder of the write token."
    )
    write_timeout_s: float = _setting(
        60.0, "Seconds a write may take to be staged, validated and inferred (then 503)."
    )
    page_size: int = _setting(50, "Items per page on class pages, search and incoming links.")
    default_language: str = _setting("en", "Language of labels when the client states none.")
    log_level: str = _setting("INFO", "Logging level: DEBUG, INFO, WARNING or ERROR.")
    read_from_memory: bool = _setting(
        True,
        "Answer queries from a copy of an on-disk Oxigraph store held in memory (about three "
        "times faster; costs about the store's size in memory, whatever the workers).",
    )
    validate_on_start: bool = _setting(
        True, "Validate the data against the shapes before serving; refuse to start if invalid."
    )

    # ---- derived paths -------------------------------------------------------------
    @property
    def ontology_dir(self) -> Path:
        """Folder of the ontology Turtle files."""
        return Path(self.source_dir) / "ontology"

    @property
    def data_dir(self) -> Path:
        """Folder of the data Turtle files."""
        return Path(self.source_dir) / "data"

    @property
    def shapes_dir(self) -> Path:
        """Folder of the SHACL shapes."""
        return Path(self.source_dir) / "shapes"

    @property
    def queries_dir(self) -> Path:
        """Folder of the named SPARQL queries."""
        return Path(self.source_dir) / "queries"

    def replace(self, **changes: Any) -> Settings:
        """A copy with some fields changed (values are coerced like environment values)."""
        return dataclasses.replace(self, **_coerce_all(changes))


def setting_help() -> dict[str, str]:
    """Each setting's name mapped to its one-line help."""
    return {f.name: f.metadata["help"] for f in fields(Settings)}


def _coerce(name: str, raw: Any) -> Any:
    types = {f.name: f.type for f in fields(Settings)}
    if name not in types:
        raise ConfigError(f"unknown setting {name!r}")
    kind = types[name]
    try:
        if kind == "bool":
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text in {"1", "true", "yes", "on"}:
                return True
            if text in {"0", "false", "no", "off", ""}:
                return False
            raise ValueError(f"not a boolean: {raw!r}")
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
        return str(raw)
    except ValueError as e:
        raise ConfigError(f"setting {name}: {e}") from e


def _coerce_all(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: _coerce(k, v) for k, v in values.items()}


def load_settings(
    *,
    config_file: str | Path | None = None,
    env: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Settings:
    """Build Settings from defaults, then a TOML file, then THB_GRAPH_* variables, then flags.

    ``overrides`` with a value of ``None`` are ignored, so CLI flags left unset fall through.
    """
    values: dict[str, Any] = {}
    environ = os.environ if env is None else env
    path = config_file or environ.get(ENV_PREFIX + "CONFIG")
    if path:
        try:
            with open(path, "rb") as fh:
                values.update(_coerce_all(tomllib.load(fh)))
        except (OSError, tomllib.TOMLDecodeError) as e:
            raise ConfigError(f"cannot read settings file {path}: {e}") from e
    names = {f.name for f in fields(Settings)}
    for name in names:
        key = ENV_PREFIX + name.upper()
        if key in environ:
            values[name] = _coerce(name, environ[key])
    if overrides:
        values.update(_coerce_all({k: v for k, v in overrides.items() if v is not None}))
    settings = Settings(**values)
    if not settings.base_iri.endswith(("/", "#")):
        raise ConfigError("base_iri must end with '/' or '#'")
    return settings
