"""The published JSON-LD context: the project prefixes, plus one plain word for every property
and class the graph uses ("partOf", "count", "label", "Organisation"), so compacted JSON-LD
reads like words instead of CURIEs.

A word is the IRI's local name. When two vocabularies share a local name, the namespace that
comes first in the project prefixes (``thb`` first) gets the word and the others keep their
CURIE. Words carry no type coercion, so compaction and expansion are lossless.
"""

from __future__ import annotations

import re
import threading
from typing import Any

from rdflib import Graph, URIRef

from thb_graph.kg import bindings
from thb_graph.kg.build import prefixes_for
from thb_graph.kg.iris import Iris
from thb_graph.kg.store.base import Store
from thb_graph.namespaces import RDF

_WORD = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


def local_name(iri: str) -> str:
    """The part of an IRI after its last '#' or '/'."""
    return re.split(r"[#/]", iri)[-1]


def used_terms(store: Store) -> list[str]:
    """Every predicate and class the store's statements use."""
    predicates = store.query("SELECT DISTINCT ?p WHERE { ?s ?p ?o }")
    classes = store.query(
        f"SELECT DISTINCT ?c WHERE {{ ?s {bindings.term(RDF.type)} ?c . FILTER(isIRI(?c)) }}"
    )
    found = {str(p) for (p,) in predicates.rows if isinstance(p, URIRef)}
    found.update(str(c) for (c,) in classes.rows if isinstance(c, URIRef))
    found.discard(str(RDF.type))
    return sorted(found)


def word_context(terms: list[str], base_iri: str) -> dict[str, Any]:
    """``{"@context": {...}}``: the prefixes, then a word for each term that can have one."""
    prefixes = prefixes_for(Iris(base_iri))
    rank = {namespace: i for i, namespace in enumerate(prefixes.values())}

    def namespace_rank(iri: str) -> int:
        owners = [r for ns, r in rank.items() if iri.startswith(ns)]
        return min(owners, default=len(rank))

    words: dict[str, str] = {}
    for iri in sorted(terms, key=lambda t: (namespace_rank(t), t)):
        word = local_name(iri)
        if not _WORD.match(word) or word in prefixes or word in words:
            continue
        words[word] = iri
    context: dict[str, Any] = dict(prefixes)
    context.update(sorted(words.items(), key=lambda item: item[0].casefold()))
    return {"@context": context}


def store_context(store: Store, base_iri: str) -> dict[str, Any]:
    """The published context for what ``store`` holds."""
    return word_context(used_terms(store), base_iri)


class ContextCache:
    """The published context of each store version, computed once (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple[int, str, str] | None = None
        self._context: dict[str, Any] = {}

    def get(self, store: Store, base_iri: str) -> dict[str, Any]:
        """The context for the store's current content."""
        key = (id(store), store.version(), base_iri)
        with self._lock:
            if self._key != key:
                self._context = store_context(store, base_iri)
                self._key = key
            return self._context


def compact_jsonld(graph: Graph, context: dict[str, Any]) -> bytes:
    """``graph`` as JSON-LD compacted with ``context`` (the ``{"@context": ...}`` document)."""
    text = graph.serialize(format="json-ld", context=context["@context"], auto_compact=True)
    return text.encode("utf-8")
