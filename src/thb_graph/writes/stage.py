"""The staging copy of a write: the store as an rdflib Dataset, and SPARQL Update run on it.

The copy holds every graph (ontology, data, inferred, history), parsed from an N-Quads dump
of the store (a snapshot taken by the process that commits, so that planning can run in
another process without touching the store); its default graph, as for queries, is the
union of the named graphs.

Updates are evaluated here rather than by rdflib's ``evalUpdate`` because that one
dereferences the IRIs of ``USING`` clauses (it parses whatever they point to) and applies
deletions and insertions solution by solution. Here:

* ``USING`` / ``USING NAMED`` (from the update or the protocol's ``using-graph-uri`` /
  ``using-named-graph-uri``) only ever select graphs already in the copy;
* a ``DELETE``/``INSERT ... WHERE`` collects every deletion and insertion first, then
  deletes, then inserts (SPARQL 1.1 Update §3.1.3);
* ``LOAD`` and ``SERVICE`` never get here: ``sparql.guard.check_update`` refuses them.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from pyparsing import ParseBaseException
from rdflib import Dataset, Graph, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.plugins.sparql import update as rdflib_update
from rdflib.plugins.sparql.algebra import translateUpdate
from rdflib.plugins.sparql.evaluate import evalPart
from rdflib.plugins.sparql.sparql import QueryContext
from rdflib.term import Node

from thb_graph.errors import BadRequestError, QueryRejectedError
from thb_graph.kg.store.base import Store
from thb_graph.kg.store.terms import parse_quads
from thb_graph.sparql.guard import check_update

#: A statement and its named graph (None: the default graph).
Quad = tuple[Node, Node, Node, Node | None]
Triple = tuple[Node, Node, Node]
#: The statements of a staged copy by graph name (None: the default graph), empty graphs
#: left out. A graph's set is replaced, never changed in place, when its statements change.
ByGraph = dict[Node | None, frozenset[Triple]]
EMPTY: frozenset[Triple] = frozenset()

#: rdflib's evaluation of the operations that need no special care here.
_SIMPLE_OPERATIONS = {
    "Clear": rdflib_update.evalClear,
    "Drop": rdflib_update.evalDrop,
    "Create": rdflib_update.evalCreate,
    "Add": rdflib_update.evalAdd,
    "Move": rdflib_update.evalMove,
    "Copy": rdflib_update.evalCopy,
    "InsertData": rdflib_update.evalInsertData,
    "DeleteData": rdflib_update.evalDeleteData,
    "DeleteWhere": rdflib_update.evalDeleteWhere,
}


def stage(store: Store) -> Dataset:
    """A copy of every graph of ``store``; its default graph is the union of them."""
    return staged_with_quads(store.dump("application/n-quads"))[0]


def staged_with_quads(nquads: bytes) -> tuple[Dataset, ByGraph]:
    """The staging copy of a store from its N-Quads dump, and its statements by graph
    (read from the dump: asking the Dataset costs more)."""
    ds = Dataset(default_union=True)
    quads = _parse(nquads)
    _add(ds, quads)
    return ds, regrouped({}, (), quads)


def _parse(nquads: bytes) -> list[Quad]:
    quads = parse_quads(nquads, "application/n-quads", keep_blank_labels=True)
    return [
        (s, p, o, None if g is None or g == DATASET_DEFAULT_GRAPH_ID else URIRef(str(g)))
        for s, p, o, g in quads
    ]


def _add(ds: Dataset, quads: Iterable[Quad]) -> None:
    for s, p, o, name in quads:
        target = ds.default_graph if name is None else ds.graph(URIRef(str(name)))
        target.add((s, p, o))


def _remove(ds: Dataset, quads: Iterable[Quad]) -> None:
    for s, p, o, name in quads:
        target = ds.default_graph if name is None else ds.graph(URIRef(str(name)))
        target.remove((s, p, o))


def regrouped(by_graph: ByGraph, gone: Iterable[Quad], new: Iterable[Quad]) -> ByGraph:
    """``by_graph`` without ``gone`` and with ``new``: the graphs they touch get new sets,
    the others stay the same objects (so that whoever kept one knows it did not change)."""
    out = dict(by_graph)
    minus: dict[Node | None, set[Triple]] = {}
    plus: dict[Node | None, set[Triple]] = {}
    for s, p, o, name in gone:
        minus.setdefault(name, set()).add((s, p, o))
    for s, p, o, name in new:
        plus.setdefault(name, set()).add((s, p, o))
    for name in minus.keys() | plus.keys():
        statements = (out.get(name, EMPTY) - minus.get(name, set())) | plus.get(name, set())
        if statements:
            out[name] = frozenset(statements)
        else:
            out.pop(name, None)
    return out


def quads_of(by_graph: ByGraph) -> set[Quad]:
    """Every statement of ``by_graph`` with its graph name."""
    return {(s, p, o, name) for name, triples in by_graph.items() for s, p, o in triples}


def difference(before: ByGraph, after: ByGraph) -> tuple[set[Quad], set[Quad]]:
    """The statements added and removed between two states; graphs whose set is the same
    object in both are not looked at."""
    added: set[Quad] = set()
    removed: set[Quad] = set()
    for name in before.keys() | after.keys():
        old, new = before.get(name, EMPTY), after.get(name, EMPTY)
        if old is new:
            continue
        added |= {(s, p, o, name) for s, p, o in new - old}
        removed |= {(s, p, o, name) for s, p, o in old - new}
    return added, removed


#: Most statements of a staged copy kept between writes (an rdflib copy of a million
#: statements would hold about 1.5 GB for the server's lifetime).
KEEP_AT_MOST = 200_000


@dataclass
class Change:
    """What a write changed in the staged copy, set by the planner once it knows."""

    added: set[Quad] | None = None
    removed: set[Quad] | None = None


class StagingCache:
    """The staged copy of the last snapshot, kept between writes by the process that plans
    them: the next snapshot differs from it by a few lines (the last write, its inferences
    and history), so only those lines are parsed and applied, instead of the whole store
    (220 ms for the France graph). The dump's blank node labels are the store's own and
    are kept, so a line means the same statement in every snapshot. After planning, the
    planned change is undone; a planning that fails half-way drops the copy."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._lines: set[bytes] = set()
        self._ds: Dataset | None = None
        self._by_graph: ByGraph = {}

    @contextmanager
    def staged(self, nquads: bytes) -> Iterator[tuple[Dataset, ByGraph, Change]]:
        """The staged copy of ``nquads``, its statements by graph and the Change to fill in."""
        with self._lock:
            lines = {line for line in nquads.splitlines() if line.strip()}
            gone, new = self._lines - lines, lines - self._lines
            if self._ds is None or len(gone) + len(new) > len(lines) // 2:
                self._ds, self._by_graph = staged_with_quads(nquads)
            else:
                dropped = _parse(b"\n".join(gone)) if gone else []
                added = _parse(b"\n".join(new)) if new else []
                _remove(self._ds, dropped)
                _add(self._ds, added)
                self._by_graph = regrouped(self._by_graph, dropped, added)
            self._lines = lines
            change = Change()
            ds = self._ds
            try:
                yield ds, dict(self._by_graph), change
            finally:
                if len(lines) > KEEP_AT_MOST:  # the memory of a copy that size is not kept
                    self._drop()
                elif change.added is not None and change.removed is not None:
                    _remove(ds, change.added)
                    _add(ds, change.removed)
                else:  # the change is not known: the copy may hold part of it
                    self._drop()

    def _drop(self) -> None:
        self._ds, self._lines, self._by_graph = None, set(), {}


#: Said of a write that may have changed any graph (a removal asked of the whole dataset).
EVERY_GRAPH = URIRef("urn:thb-graph:every-graph")


@contextmanager
def graphs_written(ds: Dataset) -> Iterator[set[Node | None]]:
    """The names of the graphs of ``ds`` written to while the block runs (None: the default
    graph; :data:`EVERY_GRAPH` when a removal was not confined to one graph), so that the
    statements after a write are read from those graphs only, not from the whole copy."""
    store = ds.store
    written: set[Node | None] = set()
    add, remove = store.add, store.remove

    def name_of(context: Any) -> Node | None:
        if context is None:
            return EVERY_GRAPH
        name = context.identifier if isinstance(context, Graph) else context
        return None if name == DATASET_DEFAULT_GRAPH_ID else name

    def recording_add(triple: Any, context: Any, quoted: bool = False) -> None:
        written.add(name_of(context))
        add(triple, context, quoted=quoted)

    def recording_remove(pattern: Any, context: Any = None) -> None:
        written.add(name_of(context))
        remove(pattern, context=context)

    store.add, store.remove = recording_add, recording_remove  # type: ignore[method-assign,assignment]
    try:
        yield written
    finally:
        del store.add, store.remove  # the class's own methods again


def statements_after(ds: Dataset, before: ByGraph, written: set[Node | None]) -> ByGraph:
    """The statements of ``ds`` by graph after a write that changed only the graphs
    ``written`` (``before``: the statements before it); the whole copy is read when any
    graph may have changed."""
    if EVERY_GRAPH in written:
        return regrouped({}, (), quad_set(ds))
    after = dict(before)
    for name in written:
        graph = ds.default_graph if name is None else ds.graph(URIRef(str(name)))
        statements = frozenset((s, p, o) for s, p, o in graph)
        if statements == before.get(name, EMPTY):
            continue  # the same object stays: nothing to look at after
        if statements:
            after[name] = statements
        else:
            after.pop(name, None)
    return after


def quad_set(ds: Dataset) -> set[Quad]:
    """Every statement of ``ds`` with its graph name (None for the default graph)."""
    out: set[Quad] = set()
    for s, p, o, c in ds.quads((None, None, None, None)):
        name = c.identifier if isinstance(c, Graph) else c
        out.add((s, p, o, None if name in (None, DATASET_DEFAULT_GRAPH_ID) else name))
    return out


def apply_update(
    ds: Dataset,
    text: str,
    *,
    using: Sequence[str] = (),
    using_named: Sequence[str] = (),
    base: str | None = None,
) -> None:
    """Run the SPARQL Update ``text`` on ``ds`` (see the module docstring); relative IRIs
    are resolved against the update's ``BASE``, else against ``base``.

    Raises QuerySyntaxError, QueryRejectedError (LOAD, SERVICE, USING outside the store,
    protocol and query dataset both given) or BadRequestError (an operation failed).
    """
    checked = check_update(text, base=base)
    if (using or using_named) and (checked.using or checked.using_named or checked.has_with):
        raise BadRequestError(
            "using-graph-uri / using-named-graph-uri cannot be combined with USING, "
            "USING NAMED or WITH in the update (SPARQL 1.1 Protocol §2.2.3)"
        )
    known = {str(g.identifier) for g in ds.graphs() if len(g) > 0}
    outside = [
        g for g in (*using, *using_named, *checked.using, *checked.using_named) if g not in known
    ]
    if outside:
        raise QueryRejectedError(
            "USING / using-graph-uri may only name graphs of this dataset; not one: "
            + ", ".join(outside),
            details=["nothing outside the dataset is ever fetched or read"],
        )
    try:
        parsed = translateUpdate(checked.tree, base=base)
    except (ParseBaseException, RecursionError) as e:  # check_update parsed it already
        raise QueryRejectedError(f"the update cannot be evaluated: {e}") from e
    for op in parsed.algebra:
        _run(ds, op, [URIRef(g) for g in using], [URIRef(g) for g in using_named])


def _run(ds: Dataset, op: Any, using: list[URIRef], using_named: list[URIRef]) -> None:
    ctx = QueryContext(ds, initBindings={})
    ctx.graph = ds
    ctx.prologue = op.prologue
    try:
        if op.name == "Modify":
            _modify(ds, ctx, op, using, using_named)
        elif op.name in _SIMPLE_OPERATIONS:
            if op.name == "InsertData" and op.triples:
                # rdflib cannot add to a union graph: put them in the default graph, where
                # the transaction refuses them with a clear message
                for triple in op.triples:
                    ds.default_graph.add(tuple(triple))
                op.triples = []
            _SIMPLE_OPERATIONS[op.name](ctx, op)
        else:
            raise QueryRejectedError(f"the update operation {op.name} is not supported")
    except (ValueError, TypeError) as e:
        if not op.silent:
            raise BadRequestError(f"the update failed ({op.name}): {e}") from e
    except Exception as e:  # rdflib signals a refused operation with a bare Exception
        if type(e) is not Exception:
            raise
        if not op.silent:
            raise BadRequestError(f"the update failed ({op.name}): {e}") from e


def _modify(
    ds: Dataset, ctx: QueryContext, u: Any, using: list[URIRef], using_named: list[URIRef]
) -> None:
    """DELETE/INSERT ... WHERE, with USING resolved inside the dataset only."""
    clauses = u.using or []
    default = using or [c.default for c in clauses if c.get("default") is not None]
    named = using_named or [c.named for c in clauses if c.get("named") is not None]
    if default or named:
        where_ds = Dataset()
        for name in named:
            target = where_ds.graph(URIRef(str(name)))
            for triple in ds.graph(URIRef(str(name))):
                target.add(triple)
        merged = Graph()
        for name in default:
            for triple in ds.graph(URIRef(str(name))):
                merged.add(triple)
        where = QueryContext(where_ds, initBindings={})
        where.graph = merged
        where.prologue = ctx.prologue
    elif u.withClause:
        where = ctx.pushGraph(ds.graph(u.withClause))
    else:
        where = ctx
    solutions = list(evalPart(where, u.where))
    # Without WITH, a template triple outside GRAPH is deleted from the union (from every
    # graph, like DELETE DATA and DELETE WHERE) and inserted into the default graph (which
    # the transaction refuses: it is never written).
    with_graph = ds.graph(u.withClause) if u.withClause else None
    deletions = _instances(ds, with_graph if with_graph is not None else ds, u.delete, solutions)
    insertions = _instances(
        ds, with_graph if with_graph is not None else ds.default_graph, u.insert, solutions
    )
    for graph, triple in deletions:
        graph.remove(triple)
    for graph, triple in insertions:
        graph.add(triple)


def _instances(
    ds: Dataset, default: Graph, clause: Any, solutions: list[Any]
) -> list[tuple[Graph, tuple[Node, Node, Node]]]:
    """The statements a DELETE or INSERT template makes from every solution."""
    if not clause:
        return []
    fill = rdflib_update._fillTemplate  # type: ignore[attr-defined]  # no public equivalent
    out: list[tuple[Graph, tuple[Node, Node, Node]]] = []
    for solution in solutions:
        out += [(default, t) for t in fill(clause.triples or [], solution)]
        for name, template in (clause.quads or {}).items():
            graph_name = solution.get(name)
            if not isinstance(graph_name, URIRef):
                continue
            out += [(ds.graph(graph_name), t) for t in fill(template, solution)]
    return out
