"""The focus nodes of every shape among the few nodes a change touched, found at once.

Validating a write restricts the focus nodes to the nodes of the changed graphs. Finding
them with one query per shape (the changed nodes, then each target of the shape) cost a
third of a write on the France graph: about eighty queries for the same twenty nodes.
Here the changed nodes are read once, with their types and the target predicates they
use, and each shape's targets are matched in Python. Targets this cannot match (SPARQL
targets, a literal as sh:targetNode) and changes of more than ``limit`` nodes are left to
the per-shape query.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from rdflib import Literal
from rdflib.term import Node

from thb_graph.kg.shacl.model import Shape, SparqlText, Target
from thb_graph.namespaces import RDF


class NodeOracle(Protocol):
    """What finding the nodes needs from the data (a subset of ``compile.Oracle``)."""

    def subclasses(self, cls: Node) -> Sequence[Node]: ...

    def nodes(self, query: str, limit: int) -> Sequence[Node] | None: ...

    def pairs(self, query: str) -> list[tuple[Node, Node]]: ...


def changed_nodes_query(graphs: Sequence[str]) -> str:
    """A sub-select of the nodes with a statement (as subject or object) in ``graphs``."""
    names = " ".join(f"<{g}>" for g in graphs)
    return (
        f"SELECT DISTINCT ?this WHERE {{ VALUES ?focusGraph {{ {names} }} "
        "GRAPH ?focusGraph { { ?this ?focusP ?focusO } UNION { ?focusS ?focusP ?this } } }"
    )


class ChangedNodes:
    """The changed nodes, their types and which target predicates they are subjects or
    objects of; :meth:`targeted` gives a shape's focus nodes among them."""

    def __init__(
        self,
        oracle: NodeOracle,
        nodes: Sequence[Node],
        types: dict[Node, set[Node]],
        subjects_of: set[tuple[Node, Node]],
        objects_of: set[tuple[Node, Node]],
    ) -> None:
        self.oracle = oracle
        self.nodes = nodes
        self.types = types
        self.subjects_of = subjects_of
        self.objects_of = objects_of

    @classmethod
    def find(
        cls, oracle: NodeOracle, graphs: Sequence[str], roots: Sequence[Shape], limit: int
    ) -> ChangedNodes | None:
        """The changed nodes of ``graphs`` for the shapes ``roots``; None when there are
        more than ``limit`` of them (the per-shape queries find them then)."""
        changed = changed_nodes_query(graphs)
        nodes = oracle.nodes(changed, limit)
        if nodes is None:
            return None
        types: dict[Node, set[Node]] = {}
        subjects_of: set[tuple[Node, Node]] = set()
        objects_of: set[tuple[Node, Node]] = set()
        targets = [t for root in roots for t in root.targets]
        if nodes and any(t.kind == "class" for t in targets):
            query = (
                f"SELECT DISTINCT ?this ?type WHERE {{ {{ {changed} }} "
                f"LATERAL {{ ?this <{RDF.type}> ?type }} }}"
            )
            for node, type_ in oracle.pairs(query):
                types.setdefault(node, set()).add(type_)
        if nodes and _predicates(targets, "subjectsOf"):
            # every predicate of the few nodes: one index scan each, not one per predicate
            query = (
                f"SELECT DISTINCT ?this ?p WHERE {{ {{ {changed} }} LATERAL {{ ?this ?p ?o }} }}"
            )
            subjects_of |= set(oracle.pairs(query))
        predicates = _predicates(targets, "objectsOf")
        if nodes and predicates:
            # a node may be the object of many statements: only the target predicates
            listed = " ".join(p.n3() for p in sorted(predicates, key=str))
            query = (
                f"SELECT DISTINCT ?this ?p WHERE {{ {{ {changed} }} "
                f"LATERAL {{ VALUES ?p {{ {listed} }} ?s ?p ?this }} }}"
            )
            objects_of |= set(oracle.pairs(query))
        return cls(oracle, nodes, types, subjects_of, objects_of)

    def targeted(self, targets: Sequence[Target]) -> Sequence[Node] | None:
        """The changed nodes that are focus nodes of ``targets`` (in the order read);
        None when a target is one this does not match (the caller queries then)."""
        if any(not self._matchable(t) for t in targets):
            return None
        classes = {
            t.value: set(self.oracle.subclasses(t.value))
            for t in targets
            if t.kind == "class" and isinstance(t.value, Node)
        }
        return [n for n in self.nodes if any(self._is_focus(n, t, classes) for t in targets)]

    def _is_focus(self, node: Node, target: Target, classes: dict[Node, set[Node]]) -> bool:
        value = target.value
        if isinstance(value, SparqlText):
            return False
        if target.kind == "class":
            return bool(self.types.get(node, set()) & classes.get(value, set()))
        if target.kind == "node":
            return node == value
        pair = (node, value)
        return pair in (self.subjects_of if target.kind == "subjectsOf" else self.objects_of)

    @staticmethod
    def _matchable(target: Target) -> bool:
        if isinstance(target.value, SparqlText):
            return False
        if target.kind == "node":
            return not isinstance(target.value, Literal)
        return target.kind in ("class", "subjectsOf", "objectsOf")


def _predicates(targets: Sequence[Target], kind: str) -> set[Node]:
    return {t.value for t in targets if t.kind == kind and isinstance(t.value, Node)}
