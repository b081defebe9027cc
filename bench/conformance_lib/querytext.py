"""What the harness needs to know about a query text, read without a SPARQL parser.

A small tokenizer that skips strings and comments and tracks brace depth is enough to tell
whether the outermost query has ``ORDER BY`` (an ``ORDER BY`` inside a sub-query does not
order the answer) and which IRIs its ``FROM`` / ``FROM NAMED`` clauses name. Not using the
project's parser keeps the harness independent of what it tests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise
from urllib.parse import urljoin

_TOKENS = re.compile(
    r'''(?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\'
        |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
      |(?P<iri><[^<>"{}|^`\\\s]*>)
      |(?P<comment>\#[^\n]*)
      |(?P<brace>[{}])
      |(?P<variable>[?$]\w+)
      |(?P<word>[A-Za-z_][\w.-]*(?::[\w.-]*)?|:[\w.-]*)''',
    re.VERBOSE,
)


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    depth: int


def _tokens(query: str) -> list[_Token]:
    out: list[_Token] = []
    depth = 0
    for match in _TOKENS.finditer(query):
        kind = match.lastgroup or ""
        text = match.group()
        if kind == "comment":
            continue
        if kind == "brace":
            depth += 1 if text == "{" else -1
            continue
        out.append(_Token(kind, text, depth))
    return out


def has_order_by(query: str) -> bool:
    """True when the outermost query ends with an ORDER BY clause."""
    tokens = _tokens(query)
    return any(
        a.kind == b.kind == "word"
        and a.depth == 0
        and a.text.upper() == "ORDER"
        and b.text.upper() == "BY"
        for a, b in pairwise(tokens)
    )


def dataset_iris(query: str, base: str) -> list[str]:
    """The IRIs named by FROM and FROM NAMED, resolved against ``BASE`` or ``base``."""
    tokens = _tokens(query)
    iris: list[str] = []
    for index, token in enumerate(tokens):
        if token.kind != "word" or token.depth != 0:
            continue
        keyword = token.text.upper()
        following = tokens[index + 1 : index + 3]
        if keyword == "BASE" and following and following[0].kind == "iri":
            base = urljoin(base, following[0].text[1:-1])
        if keyword != "FROM" or not following:
            continue
        target = following[0]
        if target.kind == "word" and target.text.upper() == "NAMED" and len(following) > 1:
            target = following[1]
        if target.kind == "iri":
            iris.append(urljoin(base, target.text[1:-1]))
    return iris
