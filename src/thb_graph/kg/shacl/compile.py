"""SHACL shapes as SPARQL: one SELECT per constraint component of a shape, finding every
focus node that violates it at once.

A check's query returns ``?this`` (and ``?value`` for the components that judge each value
node). Conditions SPARQL cannot state exactly as pyshacl judges them (ill-typed literals,
Python regular expressions, comparisons of literals) are decided in Python by the
``Oracle`` over the candidate values, and enter the query as the list of failing terms.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from thb_graph.kg.shacl.focus import ChangedNodes, changed_nodes_query
from thb_graph.kg.shacl.lateral import lateral_joins
from thb_graph.kg.shacl.model import Shape, SparqlText, Target, UnsupportedShapeError
from thb_graph.kg.shacl.values import compares, ill_typed, pattern_text
from thb_graph.namespaces import RDF, RDFS, SH, XSD

#: A SPARQL group binding the given variable to the candidate values of a test.
Candidates = Callable[[str], str]
#: A test deciding in Python whether a candidate value fails.
Test = Callable[[Node], bool]


class Oracle(Protocol):
    """What compiling needs from the data: class closures, and tests run in Python."""

    def subclasses(self, cls: Node) -> Sequence[Node]: ...

    def failing(self, key: object, test: Test, query: str) -> Sequence[Node]: ...

    def nodes(self, query: str, limit: int) -> Sequence[Node] | None: ...

    def member_function(self, terms: Sequence[Node]) -> str:
        """The IRI of a function of one term, true when it is one of ``terms``."""
        ...


@dataclass(frozen=True)
class Check:
    """One query: ``kind`` is value (rows ?this ?value), focus (rows ?this) or sparql."""

    shape: Shape
    component: URIRef
    query: str
    kind: str
    sparql: SparqlText | None = None


#: Up to this many focus nodes, the checks of a shape list them instead of finding them.
INLINE_FOCUS = 2000
#: Up to this many terms, a test of membership is written into the query (sameTerm); more
#: are asked of a function of the oracle, so a query never grows with the data.
INLINE_TERMS = 32
_NODE_KINDS = {
    SH.IRI: "isIRI({x})",
    SH.BlankNode: "isBlank({x})",
    SH.Literal: "isLiteral({x})",
    SH.BlankNodeOrIRI: "!isLiteral({x})",
    SH.BlankNodeOrLiteral: "!isIRI({x})",
    SH.IRIOrLiteral: "!isBlank({x})",
}
_RANGES = {
    "minInclusive": lambda c: c >= 0,
    "maxInclusive": lambda c: c <= 0,
    "minExclusive": lambda c: c > 0,
    "maxExclusive": lambda c: c < 0,
}
#: Components that only make sense on the value nodes of a path, never nested here.
_FOCUS_ONLY = ("uniqueLang", "qualifiedValueShape", "qualifiedMinCount", "qualifiedMaxCount")


def component(name: str) -> URIRef:
    """The IRI of the constraint component of parameter ``sh:{name}``."""
    return SH[name[0].upper() + name[1:] + "ConstraintComponent"]


class Compiler:
    """Turns shapes into checks; ``focus_graphs`` restricts the focus nodes to the nodes
    with a triple in one of those graphs."""

    def __init__(
        self,
        oracle: Oracle,
        focus_graphs: Sequence[str] | None = None,
        changed: ChangedNodes | None = None,
    ) -> None:
        self.oracle = oracle
        self.focus_graphs = focus_graphs
        #: the changed nodes read at once (``focus``), when focus_graphs lists few
        self.changed = changed
        self.prefixes: dict[str, str] = {}
        self._count = 0

    def checks(self, root: Shape) -> Iterator[Check]:
        """The checks of a shape with targets, its property shapes included.

        The focus nodes are found once: when they are few, the checks list them (none:
        no check at all) rather than each finding them again.
        """
        self.prefixes = {}
        focus = self._focus(root.targets)
        nodes = self.changed.targeted(root.targets) if self.changed is not None else None
        if nodes is None:
            query = self._with_prefixes(f"SELECT ?this WHERE {{ {focus} }}")
            nodes = self.oracle.nodes(query, INLINE_FOCUS)
        if nodes is not None:
            if not nodes:
                return
            if all(isinstance(n, URIRef) for n in nodes):  # literals may not read back alike
                focus = f"VALUES ?this {{ {' '.join(n.n3() for n in nodes)} }}"
        yield from self._shape_checks(root, focus)

    # ---- focus nodes -------------------------------------------------------------------
    def _focus(self, targets: Sequence[Target]) -> str:
        parts = [self._target(t) for t in targets]
        body = " UNION ".join(f"{{ {p} }}" for p in parts)
        if self.focus_graphs is not None:
            # the nodes of the changed graphs first, then the targets of each of them
            changed = changed_nodes_query(self.focus_graphs)
            body = f"{{ {changed} }} LATERAL {{ {body} }}"
        return f"{{ SELECT DISTINCT ?this WHERE {{ {body} }} }}"

    def _target(self, target: Target) -> str:
        if isinstance(target.value, SparqlText):
            return self._sparql_target(target.value)
        if target.kind == "class":
            classes = " ".join(c.n3() for c in self.oracle.subclasses(target.value))
            var = self._var("class")
            return f"?this <{RDF.type}> {var} . VALUES {var} {{ {classes} }}"
        if target.kind == "node" and self.focus_graphs is not None:
            return f"FILTER (sameTerm(?this, {_n3(target.value)}))"  # ?this is bound (LATERAL)
        if target.kind == "node":
            return f"VALUES ?this {{ {_n3(target.value)} }}"
        if target.kind == "subjectsOf":
            return f"?this {target.value.n3()} {self._var('o')} ."
        if target.kind == "objectsOf":
            return f"{self._var('s')} {target.value.n3()} ?this ."
        return self._sparql_target(target.value)

    def _sparql_target(self, text: Node | SparqlText) -> str:
        if not isinstance(text, SparqlText):
            raise UnsupportedShapeError(f"target {text.n3()} is not a SPARQL target")
        self._add_prefixes(text)
        return lateral_joins(_this(text.select))

    # ---- the checks of one shape ------------------------------------------------------
    def _shape_checks(self, shape: Shape, focus: str) -> Iterator[Check]:
        if shape.path is not None:
            values = f"?this {shape.path} ?value ."
            cand_var = self._var("c")
            path = shape.path

            def candidates(v: str) -> str:
                return f"{cand_var} {path} {v} ."

        else:
            values = "BIND (?this AS ?value)"

            def candidates(v: str) -> str:
                return f"{focus} BIND (?this AS {v})"

        for comp, ok in self._value_tests(shape, "?value", candidates):
            if ok in _ALWAYS_TRUE:  # nothing can fail: no query
                continue
            query = f"SELECT DISTINCT ?this ?value WHERE {{ {focus} {values} FILTER (!({ok})) }}"
            yield self._check(shape, comp, query, "value")
        yield from self._focus_checks(shape, focus)
        for check in shape.sparql:
            yield self._sparql_check(shape, check, focus)
        for prop in shape.properties:
            yield from self._shape_checks(prop, focus)

    def _focus_checks(self, shape: Shape, focus: str) -> Iterator[Check]:
        path = shape.path
        counted = ("minCount", "maxCount", *_FOCUS_ONLY)
        if path is None:
            if any(shape.param(n) is not None for n in counted):
                raise UnsupportedShapeError(f"node shape {shape.node.n3()} counts values")
            for value in shape.params.get(SH.hasValue, []):
                query = f"SELECT ?this WHERE {{ {focus} FILTER (!sameTerm(?this, {_n3(value)})) }}"
                yield self._check(shape, component("hasValue"), query, "focus")
            return
        low, high = _int(shape.param("minCount")), _int(shape.param("maxCount"))
        if low == 1:
            query = f"SELECT ?this WHERE {{ {focus} FILTER NOT EXISTS {{ ?this {path} ?v }} }}"
            yield self._check(shape, component("minCount"), query, "focus")
        elif low is not None and low > 1:
            yield self._count_check(shape, focus, "", f"< {low}", component("minCount"))
        if high is not None:
            query = self._grouped(focus, f"?this {path} ?v .", f"> {high}")
            yield self._check(shape, component("maxCount"), query, "focus")
        if _true(shape.param("uniqueLang")):
            query = (
                f"SELECT ?this WHERE {{ {focus} ?this {path} ?v . "
                'FILTER (isLiteral(?v) && LANG(?v) != "") } '
                "GROUP BY ?this (LCASE(LANG(?v)) AS ?lang) HAVING (COUNT(DISTINCT ?v) > 1)"
            )
            yield self._check(shape, component("uniqueLang"), query, "focus")
        for value in shape.params.get(SH.hasValue, []):
            absent = f"FILTER NOT EXISTS {{ ?this {path} {_n3(value)} }}"
            query = f"SELECT ?this WHERE {{ {focus} {absent} }}"
            yield self._check(shape, component("hasValue"), query, "focus")
        yield from self._qualified(shape, focus)

    def _qualified(self, shape: Shape, focus: str) -> Iterator[Check]:
        qualified = shape.param("qualifiedValueShape")
        if qualified is None:
            return
        if _true(shape.param("qualifiedValueShapesDisjoint")):
            raise UnsupportedShapeError(f"sh:qualifiedValueShapesDisjoint on {shape.node.n3()}")
        cand = self._var("c")

        def candidates(v: str) -> str:
            return f"{cand} {shape.path} {v} ."

        ok = self._conforms(shape.nested[qualified], "?v", candidates)
        low, high = _int(shape.param("qualifiedMinCount")), _int(shape.param("qualifiedMaxCount"))
        bounds = ((high, ">", "qualifiedMaxCount"), (low, "<", "qualifiedMinCount"))
        for bound, test, name in bounds:
            if bound is not None:
                comp = component(name)
                yield self._count_check(shape, focus, f"FILTER ({ok})", f"{test} {bound}", comp)

    def _count_check(
        self, shape: Shape, focus: str, extra: str, having: str, comp: URIRef
    ) -> Check:
        inner = f"OPTIONAL {{ ?this {shape.path} ?v {extra} }}"
        return self._check(shape, comp, self._grouped(focus, inner, having), "focus")

    @staticmethod
    def _grouped(focus: str, inner: str, having: str) -> str:
        return (
            f"SELECT ?this WHERE {{ {focus} {inner} }} "
            f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) {having})"
        )

    def _sparql_check(self, shape: Shape, check: SparqlText, focus: str) -> Check:
        """The constraint's SELECT run once per focus node, ``?this`` bound (LATERAL), as
        pyshacl runs it with ``$this`` pre-bound."""
        text = lateral_joins(_this(check.select).strip())
        if re.search(r"[$?](PATH|shapesGraph|currentShape)\b", text):
            raise UnsupportedShapeError(f"{check.node.n3()} uses a pre-bound variable")
        if re.match(r"(PREFIX|BASE)\b", text, re.I):
            raise UnsupportedShapeError(f"{check.node.n3()} declares prefixes in its text")
        head, brace, _ = text.partition("{")
        if not brace or not re.search(r"\?this\b|\*", head):
            raise UnsupportedShapeError(f"{check.node.n3()} must select $this")
        if not shape.messages and not check.messages:
            raise UnsupportedShapeError(f"SPARQL constraint {check.node.n3()} has no sh:message")
        saved = dict(self.prefixes)
        self._add_prefixes(check)
        query = self._with_prefixes(f"SELECT * WHERE {{ {focus} LATERAL {{ {text} }} }}")
        self.prefixes = saved
        return Check(shape, SH.SPARQLConstraintComponent, query, "sparql", check)

    def _check(self, shape: Shape, comp: URIRef, query: str, kind: str) -> Check:
        return Check(shape, comp, self._with_prefixes(query), kind)

    # ---- value tests: SPARQL expressions true when a value node passes -------------------
    def _value_tests(self, shape: Shape, x: str, cands: Candidates) -> list[tuple[URIRef, str]]:
        out: list[tuple[URIRef, str]] = []
        params = shape.params
        for cls in params.get(SH["class"], []):
            out.append((component("class"), self._class(cls, x, cands)))
        for datatype in params.get(SH.datatype, []):
            out.append((component("datatype"), self._datatype(datatype, x, cands)))
        for kind in params.get(SH.nodeKind, []):
            if kind not in _NODE_KINDS:
                raise UnsupportedShapeError(f"sh:nodeKind {kind.n3()}")
            out.append((component("nodeKind"), _NODE_KINDS[URIRef(str(kind))].format(x=x)))
        for head in params.get(SH.languageIn, []):
            out.append((component("languageIn"), _language_in(head, shape, x)))
        for pattern in params.get(SH.pattern, []):
            out.append((component("pattern"), self._pattern(shape, pattern, x, cands)))
        for name, accept in _RANGES.items():
            for bound in params.get(SH[name], []):
                out.append((component(name), self._range(name, bound, accept, x, cands)))
        for head in params.get(SH["in"], []):
            members = shape.lists[head]
            out.append((component("in"), self._one_of(x, members)))
        out += self._logical(shape, x, cands)
        return out

    def _logical(self, shape: Shape, x: str, cands: Candidates) -> list[tuple[URIRef, str]]:
        out = []
        for name in ("or", "xone"):
            for head in shape.params.get(SH[name], []):
                members = shape.lists[head]
                tests = [self._conforms(shape.nested[m], x, cands) for m in members]
                if name == "or":
                    out.append((component(name), "(" + " || ".join(tests) + ")"))
                else:
                    count = " + ".join(f"IF({t}, 1, 0)" for t in tests)
                    out.append((component(name), f"(({count}) = 1)"))
        for member in shape.params.get(SH["not"], []):
            out.append((component("not"), f"!{self._conforms(shape.nested[member], x, cands)}"))
        return out

    def _conforms(self, shape: Shape, x: str, cands: Candidates) -> str:
        """An expression true when ``x`` conforms to ``shape`` (nested in or/xone/not)."""
        if shape.sparql or any(shape.param(n) is not None for n in _FOCUS_ONLY):
            raise UnsupportedShapeError(f"nested shape {shape.node.n3()} is too complex")
        parts: list[str] = []
        if shape.path is None:
            parts += [test for _, test in self._value_tests(shape, x, cands)]
            parts += [f"sameTerm({x}, {_n3(v)})" for v in shape.params.get(SH.hasValue, [])]
            parts += [self._conforms(p, x, cands) for p in shape.properties]
            if shape.param("minCount") is not None or shape.param("maxCount") is not None:
                raise UnsupportedShapeError(f"node shape {shape.node.n3()} counts values")
            return "(" + " && ".join(parts or ["true"]) + ")"
        if shape.properties:
            raise UnsupportedShapeError(f"nested property shape {shape.node.n3()} has sh:property")
        path, y, outer = shape.path, self._var("y"), self._var("x")

        def inner(v: str) -> str:
            return f"{cands(outer)} {outer} {path} {v} ."

        tests = [test for _, test in self._value_tests(shape, y, inner)]
        if tests:
            parts.append(f"NOT EXISTS {{ {x} {path} {y} FILTER (!({' && '.join(tests)})) }}")
        low, high = _int(shape.param("minCount")), _int(shape.param("maxCount"))
        if (low is not None and low > 1) or (high is not None and high > 1):
            raise UnsupportedShapeError(f"nested shape {shape.node.n3()} counts beyond one")
        if low == 1:
            parts.append(f"EXISTS {{ {x} {path} {y} }}")
        if high == 0:
            parts.append(f"NOT EXISTS {{ {x} {path} {y} }}")
        elif high == 1:
            z = self._var("z")
            parts.append(f"NOT EXISTS {{ {x} {path} {y}, {z} FILTER (!sameTerm({y}, {z})) }}")
        parts += [f"EXISTS {{ {x} {path} {_n3(v)} }}" for v in shape.params.get(SH.hasValue, [])]
        return "(" + " && ".join(parts or ["true"]) + ")"

    def _class(self, cls: Node, x: str, cands: Candidates) -> str:
        """Values without a type in the closure of ``cls``, found once per distinct value
        (a hundred thousand observations may share five values)."""
        closure = " ".join(c.n3() for c in self.oracle.subclasses(cls))
        var = self._var("type")
        typed = f"EXISTS {{ ?cand <{RDF.type}> {var} . VALUES {var} {{ {closure} }} }}"
        query = self._with_prefixes(
            f"SELECT ?cand WHERE {{ {{ SELECT DISTINCT ?cand WHERE {{ {cands('?cand')} }} }} "
            f"FILTER (!{typed}) }}"
        )
        bad = self.oracle.failing(("class", cls), _always, query)
        return f"!{self._one_of(x, bad)}"

    def _datatype(self, datatype: Node, x: str, cands: Candidates) -> str:
        if datatype == RDFS.Literal:
            return f"isLiteral({x})"
        if datatype == RDF.langString:
            return f'(isLiteral({x}) && LANG({x}) != "")'
        same = f"(isLiteral({x}) && DATATYPE({x}) = {_n3(datatype)})"
        if datatype == XSD.string:
            return same
        typed = f"FILTER (isLiteral(?cand) && DATATYPE(?cand) = {_n3(datatype)})"
        query = self._candidates(cands, typed)
        bad = self.oracle.failing(("datatype", datatype), lambda v: ill_typed(v, datatype), query)
        return f"({same} && !{self._one_of(x, bad)})"

    def _pattern(self, shape: Shape, pattern: Node, x: str, cands: Candidates) -> str:
        flags = str(shape.param("flags") or "").lower()
        compiled = re.compile(
            str(pattern), (re.I if "i" in flags else 0) | (re.M if "m" in flags else 0)
        )

        def fails(v: Node) -> bool:
            return compiled.search(pattern_text(v)) is None

        query = self._candidates(cands, "FILTER (!isBlank(?cand))")
        bad = self.oracle.failing(("pattern", str(pattern), flags), fails, query)
        return f"(!isBlank({x}) && !{self._one_of(x, bad)})"

    def _range(
        self, name: str, bound: Node, accept: Callable[[int], bool], x: str, cands: Candidates
    ) -> str:
        def fails(v: Node) -> bool:
            return not compares(v, bound, accept)

        query = self._candidates(cands, "FILTER (isLiteral(?cand))")
        bad = self.oracle.failing((name, bound), fails, query)
        return f"(isLiteral({x}) && !{self._one_of(x, bad)})"

    def _candidates(self, cands: Candidates, extra: str) -> str:
        return self._with_prefixes(f"SELECT DISTINCT ?cand WHERE {{ {cands('?cand')} {extra} }}")

    # ---- helpers -------------------------------------------------------------------------
    def _one_of(self, x: str, terms: Sequence[Node]) -> str:
        """An expression true when ``x`` is one of ``terms`` (blank nodes never match)."""
        usable = [t for t in terms if not isinstance(t, BNode)]
        if not usable:
            return "false"
        if len(usable) > INLINE_TERMS:
            return f"<{self.oracle.member_function(usable)}>({x})"
        return "(" + " || ".join(f"sameTerm({x}, {t.n3()})" for t in usable) + ")"

    def _var(self, stem: str) -> str:
        self._count += 1
        return f"?{stem}{self._count}"

    def _add_prefixes(self, text: SparqlText) -> None:
        for prefix, namespace in text.prefixes.items():
            if self.prefixes.setdefault(prefix, namespace) != namespace:
                raise UnsupportedShapeError(f"prefix {prefix}: declared twice, differently")

    def _with_prefixes(self, query: str) -> str:
        head = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in self.prefixes.items())
        return head + query


#: Value tests that no value fails.
_ALWAYS_TRUE = frozenset({"true", "!false", "(true)"})


def _always(node: Node) -> bool:
    return True


def _this(select: str) -> str:
    return re.sub(r"\$this\b", "?this", select)


def _n3(term: Node) -> str:
    if isinstance(term, BNode):
        raise UnsupportedShapeError("a blank node as a constraint value")
    return term.n3()


def _int(term: Node | None) -> int | None:
    if term is None:
        return None
    if not isinstance(term, Literal) or not isinstance(term.value, int):
        raise UnsupportedShapeError(f"{term.n3()} is not an integer")
    return term.value


def _true(term: Node | None) -> bool:
    return isinstance(term, Literal) and term.value is True


def _language_in(head: Node, shape: Shape, x: str) -> str:
    wanted = [str(m).lower() for m in shape.lists[head]]
    tagged = f'isLiteral({x}) && LANG({x}) != ""'
    if "*" in wanted:
        return f"({tagged})"
    listed = ", ".join(Literal(w).n3() for w in wanted)
    return (
        f"({tagged} && (LCASE(LANG({x})) IN ({listed}) || "
        f'LCASE(STRBEFORE(LANG({x}), "-")) IN ({listed})))'
    )
