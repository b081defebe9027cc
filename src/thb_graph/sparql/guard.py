"""Guards on a query before it reaches the store, decided on its parse tree, not its text.

A query whose tokens (``kg.store.lexer``) hold none of the keywords that could reach outside
the dataset or write (SERVICE, FROM, LOAD, INSERT...) and whose prefixes are all declared
passes at once. Any other is parsed with rdflib's SPARQL grammar (cached, so a repeated
query costs a dictionary look-up) and the tree is walked for what the endpoint refuses:

* ``SERVICE`` anywhere (a federated call would make the server fetch a URL);
* any update (``LOAD``, ``INSERT``, ``CLEAR``...): the query endpoint never writes;
* ``FROM`` / ``FROM NAMED`` and the protocol's ``default-graph-uri`` / ``named-graph-uri``
  naming anything that is not a named graph of the store (a store such as rdflib would
  otherwise dereference the IRI and read whatever it points to);
* prefixes used but never declared.

A refused query raises QueryRejectedError; one that does not parse raises QuerySyntaxError
with the line and column. Nothing here runs a query.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal
from urllib.parse import urljoin

from pyparsing import Located, Optional, ParseBaseException, ParseException, Suppress
from rdflib.plugins.sparql.parser import Prologue, Update1, parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from thb_graph.errors import QueryRejectedError, QuerySyntaxError
from thb_graph.kg.store.lexer import LexError, Token, token_list
from thb_graph.kg.store.terms import bad_escape, escape_error
from thb_graph.sparql.protocol import QueryRequest

#: rdflib's SPARQL grammar (pyparsing, with its shared parse state) breaks when two threads
#: parse at once: a server checks texts in its request threads, one at a time.
_GRAMMAR = threading.RLock()

QueryForm = Literal["select", "ask", "construct", "describe"]

_FORMS: dict[str, QueryForm] = {
    "SelectQuery": "select",
    "AskQuery": "ask",
    "ConstructQuery": "construct",
    "DescribeQuery": "describe",
}


@dataclass(frozen=True)
class CheckedQuery:
    """What the guard learnt from a query it accepted."""

    form: QueryForm
    from_graphs: tuple[str, ...] = ()
    from_named: tuple[str, ...] = ()

    @property
    def kind(self) -> str:
        """``select``, ``ask`` or ``graph`` (CONSTRUCT and DESCRIBE), as in QueryResult."""
        return "graph" if self.form in ("construct", "describe") else self.form


#: Bare words that send a query to the full parse: they may name something outside the
#: dataset or make it an update.
RISKY_WORDS = frozenset(
    {"SERVICE", "FROM", "LOAD", "INSERT", "DELETE", "CLEAR", "DROP", "CREATE", "ADD", "MOVE"}
    | {"COPY", "WITH", "DATA", "USING"}
)
_FORM_WORDS: dict[str, QueryForm] = {
    "SELECT": "select",
    "ASK": "ask",
    "CONSTRUCT": "construct",
    "DESCRIBE": "describe",
}


def check_query(text: str, *, full: bool = False) -> CheckedQuery:
    """Refuse what the endpoint never runs (see the module docstring).

    A query whose tokens hold no risky keyword, whose form is plain and whose prefixes are
    all declared passes on its tokens alone (microseconds); any other is parsed in full with
    rdflib's grammar and judged on the parse tree (the store then parses what passes, and
    reports any syntax error the tokens could not see). ``full`` forces the full parse.
    """
    if (error := bad_escape(text)) is not None:
        raise error
    if full:
        return _check_cached(text)
    try:
        fast = _check_tokens(text)
    except LexError:
        fast = None
    return fast if fast is not None else _check_cached(text)


def _check_tokens(text: str) -> CheckedQuery | None:
    found = list(token_list(text))
    _check_nesting(found)
    form: QueryForm | None = None
    declared: set[str] = set()
    used: set[str] = set()
    after_prefix = False
    for token in found:
        if token.kind == "word":
            word = token.text.upper()
            if word in RISKY_WORDS:
                return None
            if form is None and word in _FORM_WORDS:
                form = _FORM_WORDS[word]
            after_prefix = word == "PREFIX"
            continue
        if token.kind == "pname":
            prefix = token.text.split(":", 1)[0]
            (declared if after_prefix else used).add(prefix)
        after_prefix = False
    used.discard("_")
    if form is None or not used <= declared:
        return None
    return CheckedQuery(form)


#: Deepest nesting of brackets a query may have: the store's parser recurses, and a query
#: nested thousands deep would crash the process running it.
MAX_NESTING = 64


#: Unary operators (``!``, ``-``, ``+``, a path's ``^``): each one in a row nests one level.
_UNARY = frozenset({"!", "-", "+", "^"})


def _check_nesting(found: list[Token]) -> None:
    depth = 0
    run = 0
    for token in found:
        run = run + 1 if token.text in _UNARY else 0
        if token.kind == "punct" and token.text in "{([":
            depth += 1
        elif token.kind == "punct" and token.text in "})]":
            depth -= 1
        if depth + run > MAX_NESTING:
            raise QueryRejectedError(
                f"the query is nested more than {MAX_NESTING} levels deep "
                f"(at offset {token.start}); this endpoint refuses deeper nesting"
            )


@dataclass(frozen=True)
class CheckedUpdate:
    """What the guard learnt from an update it accepted: its operations (``Modify``,
    ``InsertData``...) and the graphs its ``USING`` / ``USING NAMED`` clauses name."""

    operations: tuple[str, ...]
    using: tuple[str, ...] = ()
    using_named: tuple[str, ...] = ()
    has_with: bool = False
    #: rdflib's parse tree, so that whoever runs the update does not parse it again.
    tree: Any = field(default=None, compare=False, repr=False)


def check_update(text: str, *, base: str | None = None) -> CheckedUpdate:
    """Parse an update and refuse what could reach outside the store: ``LOAD`` (it fetches
    a URL), ``SERVICE`` anywhere, undeclared prefixes. ``USING`` graphs are returned for the
    caller to check against the store, like ``FROM`` of a query, resolved against the
    update's ``BASE`` or else ``base``."""
    if (error := bad_escape(text)) is not None:
        raise error
    try:
        with _GRAMMAR:
            tree = parseUpdate(text)
    except ParseBaseException as e:
        raise _syntax_error(_update_error(text, e)) from e
    except RecursionError as e:
        raise QueryRejectedError("the update is nested too deeply to be checked") from e
    except (ValueError, OverflowError) as e:
        raise escape_error(text, e) from e
    prefixes: dict[str, str] = {}
    for prologue in dict.get(tree, "prologue") or ():
        found, found_base = _prologue(prologue)
        prefixes.update(found)
        base = found_base or base
    ops = [op for op in dict.get(tree, "request") or () if isinstance(op, CompValue)]
    for node in _walk(ops):
        if node.name == "Load":
            raise QueryRejectedError(
                f"LOAD is not allowed: the server never fetches a URL ({dict.get(node, 'iri')})"
            )
        _refuse_node(text, node, prefixes)
    clauses = [clause for op in ops for clause in dict.get(op, "using") or ()]
    using, named = _dataset_graphs(clauses, prefixes, base)
    return CheckedUpdate(
        operations=tuple(op.name for op in ops),
        using=using,
        using_named=named,
        has_with=any(dict.get(op, "withClause") is not None for op in ops),
        tree=tree,
    )


def _update_error(text: str, error: ParseBaseException) -> ParseBaseException:
    """Where an update really breaks: the grammar of a whole update reports the start of
    the first operation it cannot read; parsing operation by operation finds the token."""
    operation = Located(Prologue + Update1) + Optional(Suppress(";"))
    position = 0
    while position < len(text):
        try:
            found = operation.parse_string(text[position:])
        except ParseBaseException as e:
            where = position + e.loc
            return ParseException(text, where, e.msg) if where > error.loc else error
        except RecursionError:
            return error
        position += int(found[2]) if len(found) > 2 else len(text)
        while position < len(text) and text[position] in " \t\r\n;":
            position += 1
    return error


def dataset_for(
    request: QueryRequest, checked: CheckedQuery, graph_names: Collection[str]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The (default graphs, named graphs) a query runs over, each checked against the store.

    The protocol's ``default-graph-uri``/``named-graph-uri`` override the query's
    ``FROM``/``FROM NAMED`` (SPARQL 1.1 Protocol §2.1.4): if either is given, both clauses of
    the query are ignored. Empty tuples mean the store's default (the union of its graphs).
    """
    if request.default_graphs or request.named_graphs:
        default, named, origin = request.default_graphs, request.named_graphs, "protocol"
    else:
        default, named, origin = checked.from_graphs, checked.from_named, "query"
    known = set(graph_names)
    outside = [iri for iri in (*default, *named) if iri not in known]
    if outside:
        where = "FROM / FROM NAMED" if origin == "query" else "default-graph-uri / named-graph-uri"
        raise QueryRejectedError(
            f"{where} may only name graphs of this dataset; not one: {', '.join(outside)}",
            details=[
                "nothing outside the dataset is ever fetched or read; see the service"
                " description (GET /sparql) for the named graphs"
            ],
        )
    return tuple(default), tuple(named)


@lru_cache(maxsize=512)
def _check_cached(text: str) -> CheckedQuery:
    try:
        with _GRAMMAR:
            tree = parseQuery(text)
    except ParseBaseException as e:
        _refuse_if_update(text)
        raise _syntax_error(e) from e
    except RecursionError as e:
        raise QueryRejectedError("the query is nested too deeply to be checked") from e
    except (ValueError, OverflowError) as e:
        raise escape_error(text, e) from e
    prologue, query = tree[0], tree[1]
    prefixes, base = _prologue(prologue)
    for node in _walk(query):
        _refuse_node(text, node, prefixes)
    default, named = _dataset_graphs(dict.get(query, "datasetClause") or (), prefixes, base)
    return CheckedQuery(_FORMS[query.name], default, named)


def _refuse_node(text: str, node: CompValue, prefixes: dict[str, str]) -> None:
    """Refuse a node of a query or update tree: ``SERVICE``, or an undeclared prefix."""
    if node.name == "ServiceGraphPattern":
        raise QueryRejectedError(
            f"SERVICE is not allowed: this endpoint never calls another one "
            f"({dict.get(node, 'term')})"
        )
    if node.name == "pname" and (dict.get(node, "prefix") or "") not in prefixes:
        raise _undeclared(text, dict.get(node, "prefix") or "")


def _dataset_graphs(
    clauses: Iterable[Any], prefixes: dict[str, str], base: str | None
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The (default, named) graph IRIs of ``FROM`` / ``FROM NAMED`` clauses of a query or
    ``USING`` / ``USING NAMED`` clauses of an update, resolved against the prologue."""
    default: list[str] = []
    named: list[str] = []
    for clause in clauses:
        if not isinstance(clause, CompValue):
            continue
        is_default = dict.get(clause, "default") is not None
        term = dict.get(clause, "default" if is_default else "named")
        (default if is_default else named).append(_resolve(term, prefixes, base))
    return tuple(default), tuple(named)


def _walk(root: Any) -> Iterator[CompValue]:
    """Every CompValue under ``root``, depth first, without recursion."""
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            yield node
            stack.extend(node.values())
        elif isinstance(node, list | tuple) or type(node).__name__ == "ParseResults":
            stack.extend(node)


def _prologue(prologue: Any) -> tuple[dict[str, str], str | None]:
    prefixes: dict[str, str] = {}
    base: str | None = None
    for decl in prologue or ():
        if not isinstance(decl, CompValue):
            continue
        if decl.name == "PrefixDecl":
            prefixes[dict.get(decl, "prefix") or ""] = str(dict.get(decl, "iri"))
        elif decl.name == "Base":
            base = str(dict.get(decl, "iri"))
    return prefixes, base


def _resolve(term: Any, prefixes: dict[str, str], base: str | None) -> str:
    if isinstance(term, CompValue) and term.name == "pname":
        prefix = dict.get(term, "prefix") or ""
        return prefixes[prefix] + (dict.get(term, "localname") or "")
    iri = str(term)
    return urljoin(base, iri) if base else iri


def _refuse_if_update(text: str) -> None:
    try:
        with _GRAMMAR:
            update = parseUpdate(text)
    except (ParseBaseException, RecursionError, ValueError, OverflowError):
        return
    ops = dict.get(update, "request") or ()
    names = sorted({op.name for op in ops if isinstance(op, CompValue)})
    raise QueryRejectedError(
        f"this is an update ({', '.join(names) or 'empty'}); the query endpoint never runs updates"
    )


def _syntax_error(e: ParseBaseException) -> QuerySyntaxError:
    explanation = str(e).split(" (at char")[0].strip()
    error = QuerySyntaxError(
        f"syntax error at line {e.lineno}, column {e.col}: {explanation}",
        line=e.lineno,
        column=e.col,
    )
    error.details = [e.line, " " * (e.col - 1) + "^"]
    return error


def _undeclared(text: str, prefix: str) -> QuerySyntaxError:
    match = re.search(rf"(?<![\w:<-]){re.escape(prefix)}:", text)
    line = column = None
    if match:
        line = text.count("\n", 0, match.start()) + 1
        column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
    where = f" at line {line}, column {column}" if line else ""
    return QuerySyntaxError(
        f"prefix '{prefix}:' is used{where} but never declared (add PREFIX {prefix}: <...>)",
        line=line,
        column=column,
    )
