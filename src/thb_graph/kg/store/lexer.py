"""A small SPARQL tokenizer: enough to see which keywords a query uses, fast.

It knows the lexical rules that decide where a keyword can hide: comments (``#`` to the end
of the line, outside IRIs and strings), IRIs (``<...>`` without spaces or ``<>"{}|^`\\``),
the four string quotings with their escapes, variables, prefixed names. What is left are
bare words, which in SPARQL are keywords, function names, ``a`` and booleans. The guard
uses it to skip the full parse of queries that use no risky keyword at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

_IRI = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*>")
_STRINGS = [
    re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""', re.DOTALL),
    re.compile(r"'''(?:[^'\\]|\\.|'(?!''))*'''", re.DOTALL),
    re.compile(r'"(?:[^"\\\n\r]|\\.)*"'),
    re.compile(r"'(?:[^'\\\n\r]|\\.)*'"),
]
_VAR = re.compile(r"[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]*")
# A prefixed name (or a bare word when there is no colon): PN_CHARS plus '.', '-', ':', '%'
# escapes and '\' escapes, not ending with '.'.
_NAME = re.compile(
    r"(?:[\w\u00b7\u0300-\u036f\u203f-\u2040-]|\.(?=[\w:%\\-])|:|%[0-9A-Fa-f]{2}|\\.)+"
)
_SPACE = re.compile(r"\s+")
_COMMENT = re.compile(r"#[^\n\r]*")


@dataclass(frozen=True)
class Token:
    """One token: ``word`` (bare), ``pname``, ``var``, ``iri``, ``string`` or ``punct``."""

    kind: str
    text: str
    start: int


class LexError(ValueError):
    """The text cannot be cut into tokens (an unclosed string, a stray character)."""


def tokens(text: str) -> Iterator[Token]:
    """The tokens of ``text``, comments and spaces left out."""
    pos, end = 0, len(text)
    while pos < end:
        char = text[pos]
        if char.isspace():
            pos = _SPACE.match(text, pos).end()  # type: ignore[union-attr]
            continue
        if char == "#":
            pos = _COMMENT.match(text, pos).end()  # type: ignore[union-attr]
            continue
        if char == "<":
            match = _IRI.match(text, pos)
            if match:
                yield Token("iri", match.group(), pos)
                pos = match.end()
                continue
            yield Token("punct", char, pos)
            pos += 1
            continue
        if char in "\"'":
            for pattern in _STRINGS:
                match = pattern.match(text, pos)
                if match:
                    break
            else:
                raise LexError(f"a string opened at offset {pos} is not closed")
            yield Token("string", match.group(), pos)
            pos = match.end()
            continue
        if char in "?$":
            var = _VAR.match(text, pos)
            var_end = var.end() if var else pos + 1
            yield Token("var", text[pos:var_end], pos)
            pos = var_end
            continue
        match = _NAME.match(text, pos)
        if match and match.group():
            word = match.group()
            yield Token("pname" if ":" in word else "word", word, pos)
            pos = match.end()
            continue
        yield Token("punct", char, pos)
        pos += 1


@lru_cache(maxsize=16)
def token_list(text: str) -> tuple[Token, ...]:
    """The tokens of ``text`` as a tuple, kept for the last few texts: the guard and the
    join planner read the same query in one worker, and it is cut into tokens once."""
    return tuple(tokens(text))


def words(text: str) -> set[str]:
    """The bare words of ``text``, upper-cased (keywords and function names)."""
    return {t.text.upper() for t in token_list(text) if t.kind == "word"}
