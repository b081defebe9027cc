"""Extra files (``thb-graph load --with``): validated, and inferred over with the sources.

New extra graphs are validated against the shapes with the sources and the ontology as
context, only their own nodes being checked (``kg.shacl``: the shapes compiled to SPARQL,
seconds at a million triples); a violation stops the build before the target changes.

The sources' inference (owlrl, ``kg.infer``) runs over rdflib graphs and does not reach a
million triples; extra files can be that large. So the instance-level consequences of the
sources and every extra graph are materialised together (``kg.materialise``) in a scratch
in-memory Oxigraph store, whatever the target store: on a million triples that takes about
ten seconds, where the same updates take about a minute on disk and minutes through a
remote server. The target then receives the result with one bulk load. The scratch store
holds everything once while it works (about 1 GiB at 1.5M triples) and is dropped after.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from rdflib import Dataset, Graph, URIRef

from thb_graph.kg.build import SourceDataset
from thb_graph.kg.materialise import materialise
from thb_graph.kg.shacl import UnsupportedShapeError, validate_store
from thb_graph.kg.store.base import Store
from thb_graph.kg.store.oxigraph import OxigraphStore
from thb_graph.kg.validate import ValidationReport, ensure_valid, validate

NTRIPLES = "application/n-triples"


@dataclass(frozen=True)
class ExtraData:
    """One extra graph's content: its graph name, bytes, media type and where it came from."""

    graph: str
    data: bytes
    media_type: str
    origin: str


@dataclass
class ExtrasInference:
    """The inferred graph of the sources and the extras together, as N-Triples, and the
    validation of the new extras when it ran (seconds apart)."""

    inferred: bytes
    added: int
    rounds: list[int]
    seconds: float
    validation: ValidationReport | None = None
    validation_seconds: float | None = None


def kept_extras(store: Store, extra_prefix: str, replaced: set[str]) -> list[ExtraData]:
    """The extra graphs already in ``store`` that this build keeps, read back from it."""
    kept = []
    for name in store.graph_names():
        if name.startswith(extra_prefix) and name not in replaced:
            kept.append(ExtraData(name, store.dump(NTRIPLES, name), NTRIPLES, name))
    return kept


def infer_with_extras(
    source_quads: bytes,
    sources_inferred: Graph,
    extras: Sequence[ExtraData],
    source: SourceDataset,
    *,
    shapes: Graph | None = None,
    validate: Collection[str] = (),
) -> ExtrasInference:
    """Materialise the consequences of the sources (``source_quads``, N-Quads of the
    ontology and data graphs) and ``extras`` together, starting from what owlrl inferred
    from the sources; the whole inferred graph, ready to bulk-load.

    With ``shapes``, the extra graphs named in ``validate`` are validated first (their
    nodes only, before any inference, as the sources are): ShapeViolationError, with the
    report, when they do not conform.
    """
    started = time.perf_counter()
    iris = source.iris
    scratch = OxigraphStore()
    validation: ValidationReport | None = None
    validation_s = 0.0
    try:
        scratch.bulk_load(source_quads, "application/n-quads")
        for extra in extras:
            scratch.bulk_load(extra.data, extra.media_type, extra.graph)
        if shapes is not None and validate:
            checked = time.perf_counter()
            new = [e for e in extras if e.graph in validate]
            validation = ensure_valid(_validate_new(scratch, shapes, new, source))
            validation_s = time.perf_counter() - checked
        scratch.bulk_load(
            sources_inferred.serialize(format="nt", encoding="utf-8"), NTRIPLES, iris.inferred_graph
        )
        report = materialise(scratch, iris)
        inferred = scratch.dump(NTRIPLES, iris.inferred_graph)
    finally:
        scratch.close()
    return ExtrasInference(
        inferred=inferred,
        added=report.added,
        rounds=report.rounds,
        seconds=time.perf_counter() - started - validation_s,
        validation=validation,
        validation_seconds=validation_s if validation else None,
    )


def _validate_new(
    scratch: OxigraphStore, shapes: Graph, new: Sequence[ExtraData], source: SourceDataset
) -> ValidationReport:
    """Validate the nodes of the ``new`` extra graphs, everything in ``scratch`` as context;
    with pyshacl over the sources and the new graphs when the shapes use a feature the
    SPARQL engine does not implement."""
    files = {e.graph: e.origin for e in new}
    try:
        return validate_store(
            scratch.native,
            shapes,
            focus_graphs=sorted(files),
            data_graphs=set(files),
            graph_files=files,
        )
    except UnsupportedShapeError:
        data = Dataset()
        for quad in source.dataset.quads((None, None, None, None)):
            data.add(quad)  # type: ignore[arg-type]
        for extra in new:
            fmt = "nt" if extra.media_type == NTRIPLES else "turtle"
            data.graph(URIRef(extra.graph)).parse(data=extra.data, format=fmt)
        return validate(data, shapes, source.ontology, graph_files=files, engine="pyshacl")
