"""Write the triple patterns of a query's basic graph patterns most selective first.

Oxigraph joins the patterns of a basic graph pattern in an order that follows the text when
its own estimates tie, and it cannot see that ``?period thb:year "2015"`` matches three
triples while ``?obs qb:dataSet <...>`` matches seventy thousand. Measured on a million
triples, the same breakdown query took 160 ms written data-set first and 19 ms written
year first. ``order_joins`` rewrites each block of plain triple patterns so the pattern
with the fewest matches (counted in the store, up to a cap) comes first, then the patterns
that share a variable with what is already bound. A basic graph pattern is a set, so the
answers are the same; only the work changes.

Property paths: Oxigraph also evaluates a sequence path from its written start. Measured on
a million triples, ``?case ex:handledBy/org:subOrganizationOf* <unit>`` took 139 ms, and
0.1 ms written as two patterns, the one with the constant end first. So a sequence path
``s p1/p2 o`` is written as the patterns it means (``s p1 ?v . ?v p2 o``, with a fresh
variable ``?v``: SPARQL defines a sequence path as exactly that join), and each step, a
path of its own when it has ``^``, ``*``, ``+`` or ``?``, is ordered like any pattern by the
constants at its ends. A query whose projection is ``*`` keeps its paths whole (the fresh
variables would show in its answers).

The rewrite is deliberately narrow: it reads the query's tokens with the project's lexer,
walks groups, OPTIONAL, MINUS, UNION, GRAPH, FILTER [NOT] EXISTS, BIND and VALUES, and
reorders only blocks whose patterns are plain (variables, IRIs, prefixed names, literals;
``;`` and ``,`` lists; paths of IRIs with ``/``, ``^``, ``*``, ``+`` and ``?``). Anything else
(alternative or negated paths, groups in paths, blank nodes, sub-queries, BASE) leaves the
query exactly as it was written.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from thb_graph.kg.store.lexer import LexError, Token, token_list

#: A pattern's constant terms (None for a variable), as the estimator receives them.
Constants = tuple[ox.NamedNode | None, ox.NamedNode | None, ox.NamedNode | ox.Literal | None]

#: Counts at or above this are "many": probing further would cost more than it tells.
CAP = 100

_XSD = "http://www.w3.org/2001/XMLSchema#"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_INTEGER = re.compile(r"[+-]?\d+")
_PLAIN_STRING = re.compile(r'"([^"\\\n\r]*)"')


class _Unplannable(Exception):
    """The query uses something the rewrite does not reorder; leave it as written."""


@dataclass(frozen=True)
class _Term:
    text: str
    variable: str | None = None
    constant: ox.NamedNode | ox.Literal | None = None
    path: bool = False  # a property path step: no constant, its ends guide the order


@dataclass(frozen=True)
class _Pattern:
    subject: _Term
    predicate: _Term
    object: _Term

    def text(self) -> str:
        return f"{self.subject.text} {self.predicate.text} {self.object.text}"

    def variables(self) -> set[str]:
        return {t.variable for t in (self.subject, self.predicate, self.object) if t.variable}


@dataclass(frozen=True)
class _Block:
    start: int
    end: int
    patterns: tuple[_Pattern, ...]
    split: bool = False  # a sequence path was written as its steps: the text changes


def order_joins(query: str, estimate: Callable[[Constants], int]) -> str:
    """``query`` with each plain block of triple patterns written most selective first.

    ``estimate`` counts the matches of a pattern's constants (up to ``CAP``). The query is
    returned unchanged when nothing would move or when it uses anything the rewrite does
    not handle.
    """
    try:
        toks = list(token_list(query))
        prefixes, start = _prologue(toks)
        blocks = _Walker(toks, prefixes).blocks_from(start)
    except (_Unplannable, LexError, IndexError):
        return query
    for block in reversed(blocks):
        ordered = _greedy(block.patterns, estimate)
        if block.split or ordered != list(block.patterns):
            text = " .\n  ".join(p.text() for p in ordered)
            query = query[: block.start] + text + query[block.end :]
    return query


def _greedy(patterns: Sequence[_Pattern], estimate: Callable[[Constants], int]) -> list[_Pattern]:
    """Fewest matches first, then what joins on a bound variable, ties in written order."""
    if len(patterns) < 2:
        return list(patterns)
    own = [min(CAP, estimate(_constants(p))) for p in patterns]
    left = list(range(len(patterns)))
    first = min(left, key=lambda i: (own[i], i))
    order = [first]
    left.remove(first)
    bound = patterns[first].variables()
    while left:
        nxt = min(left, key=lambda i: (*_after(patterns[i], own[i], bound), i))
        order.append(nxt)
        left.remove(nxt)
        bound |= patterns[nxt].variables()
    return [patterns[i] for i in order]


def _after(pattern: _Pattern, own: int, bound: set[str]) -> tuple[int, int]:
    """Sort key of a pattern once ``bound`` variables have values."""

    def fixed(term: _Term) -> bool:
        return term.variable is None or term.variable in bound

    connected = bool(pattern.variables() & bound)
    if fixed(pattern.subject):
        guess = 1 if fixed(pattern.object) else 3
    elif fixed(pattern.object):
        guess = CAP // 2
    else:
        guess = CAP
    return (0 if connected else 1, min(own, guess))


def _constants(pattern: _Pattern) -> Constants:
    s, p, o = pattern.subject.constant, pattern.predicate.constant, pattern.object.constant
    return (
        s if isinstance(s, ox.NamedNode) else None,
        p if isinstance(p, ox.NamedNode) else None,
        o,
    )


def _prologue(toks: list[Token]) -> tuple[dict[str, str], int]:
    """The declared prefixes and the index of the first token after the prologue."""
    prefixes: dict[str, str] = {}
    i = 0
    while i < len(toks) and toks[i].kind == "word":
        word = toks[i].text.upper()
        if word == "BASE":
            raise _Unplannable("a BASE makes relative IRIs mean something else")
        if word != "PREFIX":
            break
        name, iri = toks[i + 1], toks[i + 2]
        if name.kind != "pname" or iri.kind != "iri":
            raise _Unplannable("an unusual PREFIX")
        prefixes[name.text[:-1]] = iri.text[1:-1]
        i += 3
    return prefixes, i


class _Walker:
    """Finds the plain triple blocks of every group of the query's WHERE clause."""

    def __init__(self, toks: list[Token], prefixes: dict[str, str]) -> None:
        self.toks = toks
        self.prefixes = prefixes
        self.blocks: list[_Block] = []
        self.names = {t.text[1:] for t in toks if t.kind == "var"}
        self.fresh = 0
        self.star = False  # the projection is *: paths stay whole

    def fresh_variable(self) -> _Term:
        """A variable the query does not use, for the middle of a sequence path."""
        while True:
            self.fresh += 1
            name = f"_thb_path{self.fresh}"
            if name not in self.names:
                return _Term(f"?{name}", variable=name)

    def blocks_from(self, i: int) -> list[_Block]:
        words = Counter(t.text.upper() for t in self.toks if t.kind == "word")
        if words["SERVICE"] or words["SELECT"] > 1:
            raise _Unplannable("federated or nested queries are left as written")
        construct = self.toks[i].text.upper() == "CONSTRUCT"
        depth = 0  # COUNT(*) shows no variable; a bare * projects every one
        while self.toks[i].text != "{":  # the query form and its projection
            text = self.toks[i].text
            depth += (text == "(") - (text == ")")
            self.star = self.star or (text == "*" and depth == 0)
            i += 1
        if construct and self.toks[i - 1].text.upper() != "WHERE":  # the template, then WHERE
            i = self.skip_balanced(i, "{", "}")
            while self.toks[i].text != "{":
                i += 1
        self.group(i)
        return self.blocks

    def group(self, i: int) -> int:
        """Walk the group opening at ``i``; the index after its closing brace."""
        self.expect(i, "{")
        i += 1
        while True:
            tok = self.toks[i]
            if tok.text == "}":
                return i + 1
            if tok.text == "{":
                i = self.group(i)
            elif tok.text == ".":
                i += 1
            elif tok.kind == "word":
                i = self.keyword(i, tok.text.upper())
            elif tok.kind in ("var", "iri", "pname"):
                i = self.triples(i)
            else:
                raise _Unplannable(f"unexpected {tok.text!r}")

    def keyword(self, i: int, word: str) -> int:
        if word in ("OPTIONAL", "MINUS"):
            return self.group(i + 1)
        if word == "UNION":
            return i + 1
        if word == "GRAPH":
            return self.group(i + 2)
        if word == "BIND":
            return self.skip_parens(i + 1)
        if word == "VALUES":
            return self.skip_values(i + 1)
        if word == "FILTER":
            nxt = self.toks[i + 1]
            if nxt.text == "(":
                return self.skip_parens(i + 1)
            if nxt.text.upper() == "NOT" and self.toks[i + 2].text.upper() == "EXISTS":
                return self.group(i + 3)
            if nxt.text.upper() == "EXISTS":
                return self.group(i + 2)
            if nxt.kind in ("word", "pname", "iri") and self.toks[i + 2].text == "(":
                return self.skip_parens(i + 2)
        raise _Unplannable(f"{word} is left as written")

    def triples(self, i: int) -> int:
        """Read a block of plain triples starting at ``i``; the index after it."""
        patterns: list[_Pattern] = []
        start = self.toks[i].start
        end = start
        split = False
        while True:
            subject, i = self.term(i, role="subject")
            while True:
                steps, i = self.predicate(i)
                while True:
                    obj, i = self.term(i, role="object")
                    patterns += self.chain(subject, steps, obj)
                    split = split or len(steps) > 1
                    last = self.toks[i - 1]
                    end = last.start + len(last.text)
                    if self.toks[i].text != ",":
                        break
                    i += 1
                if self.toks[i].text != ";":
                    break
                while self.toks[i].text == ";":
                    i += 1
                if not self.starts_term(i):
                    break
            if self.toks[i].text == "." and self.starts_term(i + 1):
                i += 1
                continue
            break
        self.blocks.append(_Block(start, end, tuple(patterns), split))
        return i

    def chain(self, subject: _Term, steps: list[_Term], obj: _Term) -> list[_Pattern]:
        """The patterns of ``subject steps obj``: one per step, joined by fresh variables."""
        ends = [subject] + [self.fresh_variable() for _ in steps[1:]] + [obj]
        return [_Pattern(ends[n], step, ends[n + 1]) for n, step in enumerate(steps)]

    def predicate(self, i: int) -> tuple[list[_Term], int]:
        """The predicate at ``i``: one term, or the steps of a sequence path (one term,
        written whole, when the projection is ``*``); the index after it."""
        steps = []
        while True:
            step, i = self.step(i)
            steps.append(step)
            if self.toks[i].text != "/":
                break
            i += 1
        if self.toks[i].text == "|":
            raise _Unplannable("alternative paths are left as written")
        if self.star and len(steps) > 1:
            return [_Term("/".join(s.text for s in steps), path=True)], i
        return steps, i

    def step(self, i: int) -> tuple[_Term, int]:
        """One step of a path (or a plain predicate) at ``i``; the index after it."""
        inverse = self.toks[i].kind == "punct" and self.toks[i].text == "^"
        tok = self.toks[i + 1] if inverse else self.toks[i]
        after = i + 2 if inverse else i + 1
        modifier = self.toks[after].text if self.toks[after].text in ("*", "+", "?") else ""
        if tok.kind == "var" and tok.text != "?" and not (inverse or modifier):
            return _Term(tok.text, variable=tok.text[1:]), after
        if tok.kind == "word" and tok.text == "a":
            node = ox.NamedNode(_RDF_TYPE)
        elif tok.kind in ("iri", "pname"):
            node = self.iri(tok)
        else:
            raise _Unplannable(f"{tok.text!r} in a path is left as written")
        if not (inverse or modifier):
            return _Term(tok.text, constant=node), after
        text = ("^" if inverse else "") + tok.text + modifier
        return _Term(text, path=True), after + (1 if modifier else 0)

    def starts_term(self, i: int) -> bool:
        tok = self.toks[i]
        return tok.kind in ("var", "iri", "pname") or (tok.kind == "word" and tok.text == "a")

    def term(self, i: int, *, role: str) -> tuple[_Term, int]:
        """One plain term at ``i`` and the index after it."""
        tok = self.toks[i]
        if tok.kind == "var":
            return _Term(tok.text, variable=tok.text[1:]), i + 1
        if tok.kind in ("iri", "pname"):
            return _Term(tok.text, constant=self.iri(tok)), i + 1
        if role == "object":
            return self.literal(i)
        raise _Unplannable(f"{tok.text!r} as a {role} is left as written")

    def literal(self, i: int) -> tuple[_Term, int]:
        tok = self.toks[i]
        if tok.kind == "word" and _INTEGER.fullmatch(tok.text):
            value = ox.Literal(tok.text, datatype=ox.NamedNode(_XSD + "integer"))
            return _Term(tok.text, constant=value), i + 1
        if tok.kind == "word" and tok.text in ("true", "false"):
            value = ox.Literal(tok.text, datatype=ox.NamedNode(_XSD + "boolean"))
            return _Term(tok.text, constant=value), i + 1
        if tok.kind != "string":
            raise _Unplannable(f"{tok.text!r} is left as written")
        plain = _PLAIN_STRING.fullmatch(tok.text)
        lexical = plain.group(1) if plain else None
        if self.toks[i + 1].text == "@":
            lang = self.toks[i + 2].text
            text = f"{tok.text}@{lang}"
            known = ox.Literal(lexical, language=lang) if lexical is not None else None
            return _Term(text, constant=known), i + 3
        if self.toks[i + 1].text == "^" and self.toks[i + 2].text == "^":
            dtype = self.toks[i + 3]
            if dtype.kind not in ("iri", "pname"):
                raise _Unplannable("an unusual datatype")
            node = self.iri(dtype)
            text = f"{tok.text}^^{dtype.text}"
            known = ox.Literal(lexical, datatype=node) if lexical is not None else None
            return _Term(text, constant=known), i + 4
        known = ox.Literal(lexical) if lexical is not None else None
        return _Term(tok.text, constant=known), i + 1

    def iri(self, tok: Token) -> ox.NamedNode:
        if tok.kind == "iri":
            value = tok.text[1:-1]
        else:
            prefix, _, local = tok.text.partition(":")
            if prefix == "_" or prefix not in self.prefixes or "\\" in local or "%" in local:
                raise _Unplannable(f"{tok.text} is left as written")
            value = self.prefixes[prefix] + local
        if ":" not in value:
            raise _Unplannable("relative IRIs are left as written")
        try:
            return ox.NamedNode(value)
        except ValueError as e:
            raise _Unplannable(str(e)) from e

    def expect(self, i: int, text: str) -> None:
        if self.toks[i].text != text:
            raise _Unplannable(f"expected {text!r}")

    def skip_parens(self, i: int) -> int:
        self.expect(i, "(")
        return self.skip_balanced(i, "(", ")")

    def skip_values(self, i: int) -> int:
        if self.toks[i].text == "(":
            i = self.skip_parens(i)
        else:
            i += 1
        self.expect(i, "{")
        return self.skip_balanced(i, "{", "}")

    def skip_balanced(self, i: int, opening: str, closing: str) -> int:
        depth = 0
        while True:
            text = self.toks[i].text
            if self.toks[i].kind == "punct":
                depth += (text == opening) - (text == closing)
            i += 1
            if depth == 0:
                return i
