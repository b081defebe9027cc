"""Extra files (``thb-graph load --with``) inferred over together with the sources.

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
from collections.abc import Sequence
from dataclasses import dataclass

from rdflib import Graph

from thb_graph.kg.build import SourceDataset
from thb_graph.kg.materialise import materialise
from thb_graph.kg.store.base import Store
from thb_graph.kg.store.oxigraph import OxigraphStore

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
    """The inferred graph of the sources and the extras together, as N-Triples."""

    inferred: bytes
    added: int
    rounds: list[int]
    seconds: float


def kept_extras(store: Store, extra_prefix: str, replaced: set[str]) -> list[ExtraData]:
    """The extra graphs already in ``store`` that this build keeps, read back from it."""
    kept = []
    for name in store.graph_names():
        if name.startswith(extra_prefix) and name not in replaced:
            kept.append(ExtraData(name, store.dump(NTRIPLES, name), NTRIPLES, name))
    return kept


def infer_with_extras(
    source_quads: bytes, sources_inferred: Graph, extras: Sequence[ExtraData], source: SourceDataset
) -> ExtrasInference:
    """Materialise the consequences of the sources (``source_quads``, N-Quads of the
    ontology and data graphs) and ``extras`` together, starting from what owlrl inferred
    from the sources; the whole inferred graph, ready to bulk-load."""
    started = time.perf_counter()
    iris = source.iris
    scratch = OxigraphStore()
    try:
        scratch.bulk_load(source_quads, "application/n-quads")
        scratch.bulk_load(
            sources_inferred.serialize(format="nt", encoding="utf-8"), NTRIPLES, iris.inferred_graph
        )
        for extra in extras:
            scratch.bulk_load(extra.data, extra.media_type, extra.graph)
        report = materialise(scratch, iris)
        inferred = scratch.dump(NTRIPLES, iris.inferred_graph)
    finally:
        scratch.close()
    return ExtrasInference(
        inferred=inferred,
        added=report.added,
        rounds=report.rounds,
        seconds=time.perf_counter() - started,
    )
