"""A small HTML tree for tests: parse a page with html.parser, then find elements by tag and
attributes and read their text, so tests check structure instead of matching strings."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip


@dataclass
class Element:
    """An element with its attributes and children (elements and text)."""

    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Element | str] = field(default_factory=list)
    parent: Element | None = field(default=None, repr=False)

    def iter(self) -> Iterator[Element]:
        """This element and every element below it, in document order."""
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()

    def text(self) -> str:
        """The text content, whitespace collapsed."""
        parts: list[str] = []

        def walk(node: Element) -> None:
            for child in node.children:
                if isinstance(child, str):
                    parts.append(child)
                else:
                    walk(child)

        walk(self)
        return re.sub(r"\s+", " ", "".join(parts)).strip()

    def find_all(self, tag: str | None = None, **attrs: str | bool) -> list[Element]:
        """Elements below (and including) this one matching ``tag`` and ``attrs``.

        ``class_="x"`` matches a class among several; ``data_p=True`` matches presence;
        underscores in names stand for dashes.
        """
        found = []
        for el in self.iter():
            if tag is not None and el.tag != tag:
                continue
            if all(_matches(el, name, want) for name, want in attrs.items()):
                found.append(el)
        return found

    def find(self, tag: str | None = None, **attrs: str | bool) -> Element | None:
        """The first match of :meth:`find_all`, or None."""
        found = self.find_all(tag, **attrs)
        return found[0] if found else None

    def get(self, name: str, default: str | None = None) -> str | None:
        """An attribute value."""
        return self.attrs.get(name, default)

    def ancestors(self) -> Iterator[Element]:
        """The parents of this element, nearest first."""
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


def _matches(el: Element, name: str, want: str | bool) -> bool:
    key = "class" if name == "class_" else name.replace("_", "-")
    if key not in el.attrs:
        return want is False
    if want is True:
        return True
    if want is False:
        return False
    if key == "class":
        return want in el.attrs[key].split()
    return el.attrs[key] == want


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document")
        self.current = self.root
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        el = Element(tag, {k: v or "" for k, v in attrs}, parent=self.current)
        self.current.children.append(el)
        if tag not in VOID:
            self.current = el

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        el = Element(tag, {k: v or "" for k, v in attrs}, parent=self.current)
        self.current.children.append(el)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        node: Element | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is None:
            self.errors.append(f"stray </{tag}>")
            return
        if node is not self.current:
            self.errors.append(f"</{tag}> closes unclosed <{self.current.tag}>")
        self.current = node.parent or self.root

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)


@dataclass
class Document:
    """A parsed page: its root and the nesting errors found while parsing."""

    root: Element
    errors: list[str]

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self.root, name)


def parse_html(text: str | bytes) -> Document:
    """Parse an HTML page into a tree."""
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    if builder.current is not builder.root:
        builder.errors.append(f"<{builder.current.tag}> never closed")
    return Document(builder.root, builder.errors)


def page(client, path: str, **headers: str):  # type: ignore[no-untyped-def]
    """GET ``path`` from a Flask test client as a browser would: the response and its parsed
    document, after checking it is a 200 with well-nested HTML."""
    response = client.get(path, headers={"Accept": "text/html", **headers})
    assert response.status_code == 200, response.data[:500]
    doc = parse_html(response.data)
    assert doc.errors == []
    return response, doc
