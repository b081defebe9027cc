"""Is an answer the expected one? Isomorphism of result sets and graphs, blank-node aware.

Result sets are multisets of rows (sets under lax cardinality, sequences when ordered),
graphs are sets of triples; both match when a one-to-one renaming of the blank nodes of one
side turns it into the other. Numeric literals compare by value within their datatype
unless ``numeric_by_value`` is off. Blank nodes are first split into classes by colour
refinement (how and where each one occurs), then a backtracking search pairs rows under a
step budget; past it the comparison says so instead of hanging.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from conformance_lib.terms import (
    Answer,
    BNode,
    Boolean,
    Lit,
    Row,
    Solutions,
    Term,
    Triples,
    numeric_key,
    row_of,
)

#: Candidate pairings tried before a comparison gives up.
STEP_BUDGET = 200_000
_REFINE_ROUNDS = 4


class ComparisonGaveUpError(Exception):
    """The blank-node search ran out of its step budget."""


@dataclass(frozen=True)
class Verdict:
    """The outcome of a comparison: equal or not, and why not."""

    equal: bool
    reason: str = ""
    diff: tuple[str, ...] = ()


def compare_answers(
    expected: Answer,
    actual: Answer,
    *,
    ordered: bool = False,
    lax: bool = False,
    numeric_by_value: bool = True,
) -> Verdict:
    """Compare two answers. ``ordered``: the row order counts (the query has ORDER BY; an
    expected result with ``ordered`` set counts as well); ``lax``: duplicates do not count
    (REDUCED)."""
    if type(expected) is not type(actual):
        return Verdict(
            False,
            f"expected a {_kind(expected)} answer, got a {_kind(actual)} answer",
        )
    if isinstance(expected, Boolean):
        assert isinstance(actual, Boolean)
        if expected.value == actual.value:
            return Verdict(True)
        return Verdict(False, f"expected {expected.value}, got {actual.value}")
    if isinstance(expected, Triples):
        assert isinstance(actual, Triples)
        return _verdict(
            _distinct(list(expected.triples), numeric_by_value),
            _distinct(list(actual.triples), numeric_by_value),
            ordered=False,
        )
    assert isinstance(expected, Solutions) and isinstance(actual, Solutions)
    if set(expected.variables) != set(actual.variables):
        return Verdict(
            False,
            f"variables differ: expected {sorted(expected.variables)}, "
            f"got {sorted(actual.variables)}",
        )
    names = tuple(sorted(expected.variables))
    exp = [row_of(s, names) for s in expected.rows]
    act = [row_of(s, names) for s in actual.rows]
    if lax:
        exp, act = _distinct(exp, numeric_by_value), _distinct(act, numeric_by_value)
    verdict = _verdict(
        exp, act, ordered=(ordered or expected.ordered) and not lax, numeric=numeric_by_value
    )
    if verdict.diff:
        columns = "columns: " + "  ".join(f"?{n}" for n in names) + "  (- is unbound)"
        return Verdict(verdict.equal, verdict.reason, (columns, *verdict.diff))
    return verdict


def rows_isomorphic(expected: Sequence[Row], actual: Sequence[Row], *, ordered: bool) -> bool:
    """True when a one-to-one renaming of blank nodes maps ``actual`` onto ``expected``
    (position by position when ``ordered``, as multisets otherwise)."""
    if len(expected) != len(actual):
        return False
    if ordered:
        return _ordered_match(expected, actual)
    return _unordered_match(list(expected), list(actual))


def _kind(answer: Answer) -> str:
    return {Solutions: "SELECT", Boolean: "ASK", Triples: "graph"}[type(answer)]


def _normalise(rows: Iterable[Sequence[Term | None]], numeric: bool) -> list[Row]:
    def term(t: Term | None) -> Term | None:
        return numeric_key(t) if numeric and isinstance(t, Lit) else t

    return [tuple(term(t) for t in row) for row in rows]


def _distinct(rows: Sequence[Row], numeric: bool) -> list[Row]:
    """The rows without duplicates (equal after normalising), first spelling kept."""
    kept: dict[Row, Row] = {}
    for key, row in zip(_normalise(rows, numeric), rows, strict=True):
        kept.setdefault(key, row)
    return list(kept.values())


def _verdict(
    expected: Sequence[Row], actual: Sequence[Row], *, ordered: bool, numeric: bool = True
) -> Verdict:
    """Compare normalised rows; diffs show the rows as they were written."""
    exp, act = _normalise(expected, numeric), _normalise(actual, numeric)
    try:
        if rows_isomorphic(exp, act, ordered=ordered):
            return Verdict(True)
        if ordered and rows_isomorphic(exp, act, ordered=False):
            return Verdict(
                False, "same rows in another order", _order_diff(list(expected), list(actual))
            )
    except ComparisonGaveUpError:
        return Verdict(False, "comparison gave up (too many blank-node pairings)")
    reason = f"expected {len(exp)} rows, got {len(act)}" if len(exp) != len(act) else ""
    diff = _multiset_diff(exp, act, list(expected), list(actual))
    return Verdict(False, reason or "different rows", diff)


# ---- matching ---------------------------------------------------------------------------


def _ordered_match(expected: Sequence[Row], actual: Sequence[Row]) -> bool:
    forward: dict[BNode, BNode] = {}
    backward: dict[BNode, BNode] = {}
    for row_e, row_a in zip(expected, actual, strict=True):
        if not _bind_row(row_e, row_a, forward, backward, []):
            return False
    return True


def _unordered_match(expected: list[Row], actual: list[Row]) -> bool:
    ground_e = Counter(r for r in expected if not _has_bnode(r))
    ground_a = Counter(r for r in actual if not _has_bnode(r))
    if ground_e != ground_a:
        return False
    open_e = [r for r in expected if _has_bnode(r)]
    open_a = [r for r in actual if _has_bnode(r)]
    if Counter(map(_shape, open_e)) != Counter(map(_shape, open_a)):
        return False
    if not open_e:
        return True
    colours_e, colours_a = _colours(open_e, open_a)
    keyed_e = [_coloured(r, colours_e) for r in open_e]
    keyed_a = [_coloured(r, colours_a) for r in open_a]
    if Counter(keyed_e) != Counter(keyed_a):
        return False
    candidates: dict[tuple[object, ...], list[int]] = defaultdict(list)
    for index, key in enumerate(keyed_a):
        candidates[key].append(index)
    order = sorted(range(len(open_e)), key=lambda i: len(candidates[keyed_e[i]]))
    search = _Search(open_a, candidates)
    return search.run([(open_e[i], keyed_e[i]) for i in order])


class _Search:
    """Backtracking over row pairings with a consistent blank-node bijection."""

    def __init__(self, actual: list[Row], candidates: dict[tuple[object, ...], list[int]]) -> None:
        self.actual = actual
        self.candidates = candidates
        self.used = [False] * len(actual)
        self.forward: dict[BNode, BNode] = {}
        self.backward: dict[BNode, BNode] = {}
        self.steps = 0

    def run(self, rows: list[tuple[Row, tuple[object, ...]]], position: int = 0) -> bool:
        """Pair ``rows[position:]`` (each with its colour key) with unused actual rows."""
        if position == len(rows):
            return True
        row, key = rows[position]
        for index in self.candidates[key]:
            if self.used[index]:
                continue
            self.steps += 1
            if self.steps > STEP_BUDGET:
                raise ComparisonGaveUpError
            added: list[BNode] = []
            if _bind_row(row, self.actual[index], self.forward, self.backward, added):
                self.used[index] = True
                if self.run(rows, position + 1):
                    return True
                self.used[index] = False
            for b in added:
                del self.backward[self.forward.pop(b)]
        return False


def _bind_row(
    row_e: Row,
    row_a: Row,
    forward: dict[BNode, BNode],
    backward: dict[BNode, BNode],
    added: list[BNode],
) -> bool:
    """Extend the bijection so that ``row_a`` maps onto ``row_e``; on failure the partial
    extension is left in ``added`` for the caller to undo (``_ordered_match`` discards it)."""
    for e, a in zip(row_e, row_a, strict=True):
        if isinstance(e, BNode) and isinstance(a, BNode):
            mapped = forward.get(e)
            if mapped is None:
                if a in backward:
                    return False
                forward[e], backward[a] = a, e
                added.append(e)
            elif mapped != a:
                return False
        elif e != a:
            return False
    return True


def _has_bnode(row: Row) -> bool:
    return any(isinstance(t, BNode) for t in row)


def _shape(row: Row) -> tuple[object, ...]:
    return tuple("_:" if isinstance(t, BNode) else t for t in row)


def _coloured(row: Row, colours: dict[BNode, int]) -> tuple[object, ...]:
    return tuple(("_:", colours[t]) if isinstance(t, BNode) else t for t in row)


def _colours(expected: list[Row], actual: list[Row]) -> tuple[dict[BNode, int], dict[BNode, int]]:
    """Colour refinement over both sides at once: a blank node's colour sums up the rows it
    occurs in, where, and with blank nodes of which colours. Blank nodes of different
    colours can never be paired. Returns the colours of each side (labels may coincide)."""
    sides = (expected, actual)
    colour: list[dict[BNode, int]] = [
        {t: 0 for row in rows for t in row if isinstance(t, BNode)} for rows in sides
    ]
    count = 1
    for _ in range(_REFINE_ROUNDS):
        keys: list[dict[BNode, str]] = []
        for side, rows in enumerate(sides):
            signature: dict[BNode, list[str]] = defaultdict(list)
            for row in rows:
                seen = repr(_coloured(row, colour[side]))
                for position, t in enumerate(row):
                    if isinstance(t, BNode):
                        signature[t].append(f"{position}:{seen}")
            keys.append({b: f"{colour[side][b]}|{sorted(sig)!r}" for b, sig in signature.items()})
        numbering = {key: n for n, key in enumerate(sorted({*keys[0].values(), *keys[1].values()}))}
        colour = [{b: numbering[k] for b, k in side_keys.items()} for side_keys in keys]
        if len(numbering) == count:
            break
        count = len(numbering)
    return colour[0], colour[1]


# ---- diffs ------------------------------------------------------------------------------


def _render(row: Row) -> str:
    return "  ".join("-" if t is None else str(t) for t in row)


def _multiset_diff(
    expected: list[Row], actual: list[Row], written_e: list[Row], written_a: list[Row]
) -> tuple[str, ...]:
    """Rows only expected (-) and only got (+), compared normalised, shown as written."""
    missing = Counter(expected) - Counter(actual)
    extra = Counter(actual) - Counter(expected)
    lines = [f"- {_render(r)}" for r in sorted(_pick(expected, written_e, missing), key=_render)]
    lines += [f"+ {_render(r)}" for r in sorted(_pick(actual, written_a, extra), key=_render)]
    if any(_has_bnode(r) for r in (*expected, *actual)):
        lines.append("(blank-node labels differ between sides; - expected, + got)")
    return tuple(lines)


def _pick(keys: list[Row], written: list[Row], wanted: Counter[Row]) -> list[Row]:
    left = Counter(wanted)
    chosen = []
    for key, row in zip(keys, written, strict=True):
        if left[key] > 0:
            left[key] -= 1
            chosen.append(row)
    return chosen


def _order_diff(expected: list[Row], actual: list[Row]) -> tuple[str, ...]:
    lines = []
    for position, (e, a) in enumerate(zip(expected, actual, strict=True)):
        marker = " " if e == a else "!"
        lines.append(f"{marker} {position:>3} expected {_render(e)}")
        if e != a:
            lines.append(f"{marker} {position:>3} got      {_render(a)}")
    return tuple(lines)
