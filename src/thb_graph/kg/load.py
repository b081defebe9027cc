"""Fill a store from the sources: validate, infer, bulk-load, record the content hash.

``build_store`` always rebuilds; ``ensure_built`` rebuilds only when the content hash
recorded in the store differs from the one of the sources on disk.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef

from thb_graph import formats
from thb_graph.config import Settings
from thb_graph.errors import BadRequestError, ConfigError
from thb_graph.kg.build import SourceDataset, build_dataset, content_hash, load_shapes
from thb_graph.kg.extras import NTRIPLES, ExtraData, ExtrasInference, infer_with_extras, kept_extras
from thb_graph.kg.infer import InferenceResult, infer_sources
from thb_graph.kg.iris import Iris, slugify
from thb_graph.kg.isolate import run_step
from thb_graph.kg.sources import check_sources
from thb_graph.kg.store.base import Store
from thb_graph.kg.store.terms import rdf_format, rdf_syntax_error, to_oxigraph
from thb_graph.kg.validate import ValidationReport, ensure_valid, validate_sources

#: Metadata key of the content hash of the sources a store was built from.
CONTENT_HASH_KEY = "content_hash"

#: Media types of the extra files ``build_store`` accepts, by file extension.
EXTRA_MEDIA_TYPES = {f".{f.extension}": f.media_type for f in (formats.NTRIPLES, formats.TURTLE)}


@dataclass
class BuildReport:
    """What a build did: graphs and their sizes, the hash recorded, time per phase."""

    content_hash: str
    graphs: dict[str, int] = field(default_factory=dict)
    inferred: int = 0
    validation: ValidationReport | None = None
    inference: InferenceResult | None = None
    extras: ExtrasInference | None = None
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def triples(self) -> int:
        """Triples loaded, over every graph."""
        return sum(self.graphs.values())


def owned_graph(iris: Iris, graph: str) -> bool:
    """True for the graphs a build writes (and so may drop): ontology, data/*, inferred."""
    return graph in (iris.ontology_graph, iris.inferred_graph) or graph.startswith(
        iris.graph("data/")
    )


def extra_graph(iris: Iris, path: Path) -> str:
    """The named graph an extra file is loaded into: ``graph/extra/{stem}``."""
    return iris.graph(f"extra/{slugify(path.stem) or 'file'}")


def build_store(
    settings: Settings,
    store: Store,
    *,
    extra_files: Sequence[str | Path] = (),
    validate: bool = True,
) -> BuildReport:
    """Validate the sources (ShapeViolationError when they do not conform), infer, then
    replace the store's ontology, data and inferred graphs and record the content hash.

    ``extra_files`` (N-Triples or Turtle) are loaded each into ``graph/extra/{stem}``,
    replacing that graph. When the store holds extra graphs (these or earlier ones, which
    are kept), the consequences of the sources and the extras are materialised together
    (``kg.extras``) into the inferred graph. Nothing in the store changes until all of it
    has succeeded.
    """
    check_sources(settings.source_dir)  # never build (and serve) an empty graph silently
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    checked = [_check_extra(Path(p)) for p in extra_files]
    source = build_dataset(settings)
    iris = source.iris
    seconds["parse"] = _lap(started)
    report: ValidationReport | None = None
    shapes = load_shapes(settings) if validate else None
    if shapes is not None:
        t = time.perf_counter()
        report = ensure_valid(
            run_step("validating the data files", validate_sources, source, shapes)
        )
        seconds["validate"] = _lap(t)
    t = time.perf_counter()
    inference = infer_sources(source)
    seconds["infer"] = _lap(t)
    new = [
        ExtraData(extra_graph(iris, path), path.read_bytes(), media_type, str(path))
        for path, media_type in checked
    ]
    extras = new + kept_extras(store, iris.graph("extra/"), {e.graph for e in new})
    source_quads = _source_nquads(source)
    together: ExtrasInference | None = None
    if extras:
        together = run_step(
            "validating and inferring the extra files",
            infer_with_extras,
            source_quads,
            inference.graph,
            extras,
            source,
            shapes=shapes,
            validate={e.graph for e in new},
        )
        if together.validation_seconds is not None:
            seconds["validate extras"] = round(together.validation_seconds, 4)
        seconds["infer extras"] = round(together.seconds, 4)
    inferred = (
        together.inferred
        if together is not None
        else inference.graph.serialize(format="nt", encoding="utf-8")
    )
    t = time.perf_counter()
    graphs = _replace_owned_graphs(store, source, source_quads)
    for extra in new:
        lap = time.perf_counter()
        store.drop_graph(extra.graph)
        _bulk(store, extra.data, extra.media_type, extra.graph)
        seconds[f"load {extra.graph}"] = _lap(lap)
        graphs[extra.graph] = store.count(extra.graph)
    lap = time.perf_counter()
    _bulk(store, inferred, NTRIPLES, iris.inferred_graph)
    seconds["load inferred"] = _lap(lap)
    graphs[iris.inferred_graph] = store.count(iris.inferred_graph)
    store.write_meta(CONTENT_HASH_KEY, source.content_hash)
    lap = time.perf_counter()
    store.optimize()
    seconds["optimize"] = _lap(lap)
    seconds["load"] = _lap(t)
    seconds["total"] = _lap(started)
    return BuildReport(
        content_hash=source.content_hash,
        graphs=graphs,
        inferred=inference.added + (together.added if together else 0),
        validation=report,
        inference=inference,
        extras=together,
        seconds=seconds,
    )


def ensure_built(settings: Settings, store: Store) -> BuildReport | None:
    """Build the store when the sources changed since it was built; None when up to date.

    Validation runs when ``settings.validate_on_start`` is on.
    """
    if is_up_to_date(settings, store):
        return None
    return build_store(settings, store, validate=settings.validate_on_start)


def is_up_to_date(settings: Settings, store: Store) -> bool:
    """True when the store was built from sources with the current content hash."""
    return store.read_meta(CONTENT_HASH_KEY) == content_hash(settings)


def _source_nquads(source: SourceDataset) -> bytes:
    """The ontology and data graphs of the sources as N-Quads."""
    iris = source.iris
    named: list[tuple[str, Iterable[tuple[object, object, object]]]] = [
        (iris.ontology_graph, source.ontology)
    ]
    named += [(i, source.dataset.graph(URIRef(i))) for i in source.data_graph_iris()]
    quads = [
        ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), ox.NamedNode(name))  # type: ignore[arg-type]
        for name, graph in named
        for s, p, o in graph
    ]
    return bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"")


def _replace_owned_graphs(
    store: Store, source: SourceDataset, source_quads: bytes
) -> dict[str, int]:
    """Drop the graphs a build owns and load the ontology and data graphs afresh."""
    iris = source.iris
    for name in store.graph_names():
        if owned_graph(iris, name):
            store.drop_graph(name)
    _bulk(store, source_quads, "application/n-quads")
    return {name: store.count(name) for name in [iris.ontology_graph, *source.data_graph_iris()]}


def _bulk(store: Store, data: bytes, media_type: str, graph: str | None = None) -> None:
    """Load with the store's bulk loader when it has one (Oxigraph), else its load."""
    loader = store.bulk_load
    loader(data, media_type, graph)


def _check_extra(path: Path) -> tuple[Path, str]:
    media_type = EXTRA_MEDIA_TYPES.get(path.suffix.lower())
    if media_type is None:
        raise BadRequestError(f"{path}: extra files must be N-Triples (.nt) or Turtle (.ttl)")
    if not path.is_file():
        raise ConfigError(f"{path}: no such file")
    try:
        for _ in ox.parse(path=path, format=rdf_format(media_type)):
            pass
    except SyntaxError as e:
        raise rdf_syntax_error(e, f"{path}:") from e
    return path, media_type


def _lap(started: float) -> float:
    return round(time.perf_counter() - started, 4)
