"""Planning a write: stage it on a snapshot of the store, check it, validate it, infer.

A write (:class:`WriteJob`: a SPARQL Update or a Graph Store operation) is planned on a
staging copy of the whole store, an rdflib Dataset parsed from an N-Quads dump
(``writes.stage``). The difference between the copy before and after is the change. The
change is refused when it touches the ontology, the inferred graph, the write history or
the default graph (the union of the named graphs, never written). The staged data graphs
are validated with the shapes, as a whole, since several constraints (sums of breakdowns,
dangling references) reach beyond the nodes a write touches; the inferred graph is
recomputed from the staged data. The plan is the one SPARQL Update that commits it
(``writes.commit``).

Planning is a pure function of the snapshot the job carries (:func:`plan_write`), so it can
run in a killable worker process that never opens the store.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from itertools import chain
from typing import Literal

from rdflib import Dataset, Graph, URIRef
from rdflib import Literal as RdfLiteral
from rdflib.term import Node

from thb_graph.config import Settings
from thb_graph.errors import ForbiddenError, NotFoundError, ShapeViolationError, ThbGraphError
from thb_graph.kg.build import load_shapes
from thb_graph.kg.incremental import reinfer, rules_of
from thb_graph.kg.infer import infer
from thb_graph.kg.iris import Iris
from thb_graph.kg.shacl import UnsupportedShapeError
from thb_graph.kg.shacl.kept import KeptValidationStore
from thb_graph.kg.validate import ValidationReport, validate
from thb_graph.writes.commit import commit_text, ox_triple
from thb_graph.writes.history import WriteRecord, history_triples, new_activity_iri
from thb_graph.writes.stage import (
    EMPTY,
    KEEP_AT_MOST,
    ByGraph,
    Change,
    Quad,
    StagingCache,
    Triple,
    apply_update,
    difference,
    graphs_written,
    statements_after,
)
from thb_graph.writes.upload import parse_upload

Operation = Literal["update", "put", "post", "delete"]

#: How each operation is named in the history.
OPERATION_NAMES: dict[str, str] = {
    "update": "SPARQL Update",
    "put": "Graph Store PUT",
    "post": "Graph Store POST",
    "delete": "Graph Store DELETE",
}


@dataclass(frozen=True)
class WriteJob:
    """One write as the protocol delivered it (picklable: it may cross to a worker)."""

    operation: Operation
    agent: str
    update: str = ""
    using: tuple[str, ...] = ()
    using_named: tuple[str, ...] = ()
    graph: str | None = None
    body: bytes = b""
    media_type: str = ""
    #: The files of a multipart/form-data upload, (name, body, media type) each: merged
    #: into ``graph`` in this one write (then ``body`` is unused).
    parts: tuple[tuple[str, bytes, str], ...] = ()
    started: float = field(default_factory=time.time)
    #: The store as N-Quads when planning starts (set by the Writer, under the write lock).
    snapshot: bytes = b""


@dataclass(frozen=True)
class WriteContext:
    """What planning needs besides the store: the IRI scheme, the shapes, the body cap."""

    iris: Iris
    shapes: Graph
    max_bytes: int


@dataclass(frozen=True)
class Plan:
    """An accepted write, ready to commit: ``commit`` is one SPARQL Update ("" for no-op)."""

    commit: str
    added: int = 0
    removed: int = 0
    inferred_added: int = 0
    inferred_removed: int = 0
    created: bool = False
    activity: str | None = None
    graphs: tuple[str, ...] = ()
    seconds: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Rejection:
    """A write the shapes refuse, with its validation report (it pickles whole, so it comes
    back from the planning worker as it was made)."""

    message: str
    details: tuple[str, ...]
    report: ValidationReport


Planner = Callable[[WriteJob], Plan | Rejection]


def rejection_error(rejection: Rejection) -> ShapeViolationError:
    """The ShapeViolationError of a rejection, carrying its validation report."""
    error = ShapeViolationError(rejection.message, report=rejection.report)
    error.details = list(rejection.details)
    return error


@dataclass(frozen=True)
class Planning:
    """The planner as a picklable value, so that a fork server can run it: it reads the
    shapes once per process and never touches the store (the job carries a snapshot)."""

    base_iri: str
    source_dir: str
    max_bytes: int

    def __call__(self, job: WriteJob) -> Plan | Rejection:
        """Plan ``job`` (see :func:`plan_write`)."""
        return plan_write(_context(self.base_iri, self.source_dir, self.max_bytes), job)


@lru_cache(maxsize=4)
def _context(base_iri: str, source_dir: str, max_bytes: int) -> WriteContext:
    settings = Settings(base_iri=base_iri, source_dir=source_dir)
    return WriteContext(Iris(base_iri), load_shapes(settings), max_bytes)


def plan_write(context: WriteContext, job: WriteJob) -> Plan | Rejection:
    """Stage ``job`` on its snapshot, check it, validate and infer; the plan to commit or
    the rejection."""
    seconds: dict[str, float] = {}
    lap = time.perf_counter()
    with STAGING.staged(job.snapshot) as (ds, before, change):
        seconds["stage"] = _lap(lap)
        return _plan_on(context, job, ds, before, change, seconds)


#: The staged copy this process keeps from one write to the next (``writes.stage``).
STAGING = StagingCache()
#: The store the shapes are checked on, kept likewise (``kg.shacl.kept``).
VALIDATION = KeptValidationStore(keep_at_most=KEEP_AT_MOST)


def _plan_on(
    context: WriteContext,
    job: WriteJob,
    ds: Dataset,
    before: ByGraph,
    change: Change,
    seconds: dict[str, float],
) -> Plan | Rejection:
    iris = context.iris
    lap = time.perf_counter()
    with graphs_written(ds) as written:
        _apply(ds, context, job)
    after = statements_after(ds, before, written)
    added, removed = difference(before, after)
    change.added, change.removed = added, removed  # undone on the copy after planning
    seconds["apply"] = _lap(lap)
    target = URIRef(job.graph) if job.graph else None
    created = job.operation in ("put", "post") and target not in before and target in after
    if not added and not removed:
        return Plan(commit="", created=created, seconds=seconds)
    _check_protected(iris, added, removed)
    for s, p, o, _ in added:  # before the validator and the reasoner see them
        ox_triple(s, p, o)
    touched = {q[3] for q in (*added, *removed)}
    data_graphs = _data_graphs(ds, iris, touched)
    lap = time.perf_counter()
    ontology = ds.graph(URIRef(iris.ontology_graph))
    axioms = after.get(ontology.identifier, EMPTY)
    data = {str(graph.identifier): after[graph.identifier] for graph in data_graphs}
    focus = _focus_nodes(data_graphs, added, removed)
    try:
        report = VALIDATION.validate(data, axioms, ontology, context.shapes, focus_nodes=focus)
    except UnsupportedShapeError:  # shapes only pyshacl runs
        report = validate(data_graphs, context.shapes, ontology, focus_nodes=focus)
    seconds["validate"] = _lap(lap)
    if not report.conforms:
        return _rejection(report)
    lap = time.perf_counter()
    inferred_old = before.get(URIRef(iris.inferred_graph), EMPTY)
    asserted = [*data.values(), axioms]
    inferred_new = _inferred(ontology, data_graphs, axioms, asserted, inferred_old, added, removed)
    seconds["infer"] = _lap(lap)
    started = datetime.fromtimestamp(job.started, UTC)
    activity = new_activity_iri(iris, started)
    record = WriteRecord(
        activity=activity,
        operation=OPERATION_NAMES[job.operation],
        agent_name=job.agent,
        started=started,
        ended=datetime.now(UTC),
        added=sorted(added, key=_sort_key),
        removed=sorted(removed, key=_sort_key),
    )
    text = commit_text(
        iris,
        before,
        after,
        added,
        removed,
        inferred_old,
        inferred_new,
        history_triples(iris, record),
    )
    return Plan(
        commit=text,
        added=len(added),
        removed=len(removed),
        inferred_added=len(inferred_new - inferred_old),
        inferred_removed=len(inferred_old - inferred_new),
        created=created,
        activity=activity,
        graphs=tuple(sorted(str(g) for g in touched if g is not None)),
        seconds=seconds,
    )


def _focus_nodes(data_graphs: list[Graph], added: set[Quad], removed: set[Quad]) -> set[Node]:
    """The nodes a change can make fail a shape: the subjects and objects of the changed
    statements, and their neighbours in the data after it (the shapes' SPARQL constraints
    reach one statement beyond their focus node: the parts of a total, the referrers of
    an entity)."""
    seeds: set[Node] = set()
    for s, _, o, _ in (*added, *removed):
        seeds |= {s, o}
    focus = set(seeds)
    for node in seeds:
        if isinstance(node, RdfLiteral):
            continue
        for graph in data_graphs:
            focus |= set(graph.objects(node, None))
            focus |= set(graph.subjects(None, node))
    return focus


def _inferred(
    ontology: Graph,
    data_graphs: list[Graph],
    axioms: frozenset[Triple],
    asserted: list[frozenset[Triple]],
    before: frozenset[Triple],
    added: set[Quad],
    removed: set[Quad],
) -> set[Triple]:
    """The inferred graph after the change: redone for the nodes the change affects
    (``kg.incremental``; ``axioms``: the ontology's statements, ``asserted``: those and
    the data's after it, graph by graph), or in full (owlrl) when the change touches the
    rules."""
    changed = [(s, p, o) for s, p, o, _ in (*added, *removed)]
    redone = reinfer(rules_of(axioms), chain.from_iterable(asserted), before, changed)
    if redone is not None:
        return redone.inferred
    return set(infer([ontology, *data_graphs]).graph)


def _apply(ds: Dataset, context: WriteContext, job: WriteJob) -> None:
    if job.operation == "update":
        apply_update(
            ds, job.update, using=job.using, using_named=job.using_named, base=context.iris.base
        )
        return
    if job.graph is None:
        raise ForbiddenError(_DEFAULT_GRAPH_MESSAGE)
    graph = ds.graph(URIRef(job.graph))
    if job.operation == "delete":
        if len(graph) == 0:
            raise NotFoundError(f"there is no graph <{job.graph}> to delete")
        graph.remove((None, None, None))
        return
    triples = []
    for name, body, media_type in job.parts or (("", job.body, job.media_type),):
        try:
            triples += parse_upload(
                body, media_type, max_bytes=context.max_bytes, base_iri=job.graph
            )
        except ThbGraphError as e:
            if name:  # say which file of a multipart upload it was
                e.message = f"{name}: {e.message}"
                e.args = (e.message,)
            raise
    if job.operation == "put":
        graph.remove((None, None, None))
    for triple in triples:
        graph.add(triple)


_DEFAULT_GRAPH_MESSAGE = (
    "the default graph is the union of the named graphs and is never written: name a graph "
    "(GRAPH <…> or WITH <…> in an update, ?graph= in the Graph Store Protocol)"
)


def _check_protected(iris: Iris, added: set[Quad], removed: set[Quad]) -> None:
    """Refuse a change of the ontology, inferred, history or default graph."""
    protected = {
        URIRef(iris.ontology_graph): "the ontology graph, which is read-only",
        URIRef(iris.inferred_graph): "the inferred graph, which is recomputed from the data "
        "after every write (restrict the update to the data graphs, e.g. "
        f"FILTER (?g != <{iris.inferred_graph}>))",
        URIRef(iris.history_graph): "the write history, which only the server writes",
    }
    counts: dict[Node | None, int] = {}
    for quad in (*added, *removed):
        if quad[3] is None or quad[3] in protected:
            counts[quad[3]] = counts.get(quad[3], 0) + 1
    messages = []
    for graph in (None, *protected):  # a fixed order, so the first message is predictable
        if graph not in counts:
            continue
        if graph is None:
            messages.append(
                f"the write changes {counts[graph]} statement(s) of the default graph; "
                + _DEFAULT_GRAPH_MESSAGE
            )
        else:
            messages.append(
                f"the write would change {counts[graph]} statement(s) of <{graph}>: "
                f"{protected[graph]}; nothing was changed"
            )
    if messages:
        raise ForbiddenError(messages[0], details=messages[1:])


def _data_graphs(ds: Dataset, iris: Iris, touched: set[Node | None]) -> list[Graph]:
    """The graphs validated and inferred from: all but the ontology, inferred, history and
    the ``graph/extra/*`` graphs this write did not touch (those are loaded unchecked)."""
    skip = {iris.ontology_graph, iris.inferred_graph, iris.history_graph}
    extra = iris.graph("extra/")
    out = []
    for graph in ds.graphs():
        name = str(graph.identifier)
        if name in skip or graph.identifier == ds.default_graph.identifier or len(graph) == 0:
            continue
        if name.startswith(extra) and graph.identifier not in touched:
            continue
        out.append(graph)
    return out


def _rejection(report: ValidationReport) -> Rejection:
    details = []
    for r in report.violations:
        where = f"focus node {r.focus_node.n3()}"
        if r.path is not None:
            where += f", path {r.path.n3()}"
        if r.value is not None:
            where += f", value {r.value.n3()}"
        details.append(f"{where}: {r.message}")
    count = len(report.violations)
    return Rejection(
        message=f"the write was refused: the data would break the shapes ({count} violation(s))",
        details=tuple(details),
        report=report,
    )


def _sort_key(quad: Quad) -> tuple[str, ...]:
    return tuple(str(t) for t in quad)


def _lap(started: float) -> float:
    return round(time.perf_counter() - started, 4)
