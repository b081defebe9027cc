"""Labels: the one name of a thing in the chosen language, and a search index over all names.

A thing may have names through several predicates (``skos:prefLabel``, ``rdfs:label``,
``eli:title`` ...) in several languages. :func:`pick_label` chooses in this order: the chosen
language, then the fallback language, then a name with no language, then any language, then
a readable form of the IRI's last segment. Within one language the predicate order of
:data:`LABEL_PREDICATES` decides.

:class:`LabelIndex` holds every name folded to lower case without accents ("Sécurité" and
"securite" fold alike), built once per store version, so a search is a scan over a small
in-memory list instead of a query per request.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rdflib import Literal, URIRef

from thb_graph.kg import bindings
from thb_graph.kg.iris import is_absolute_iri
from thb_graph.kg.store.base import Store
from thb_graph.namespaces import DCTERMS, ELI, FOAF, RDFS, SDO, SKOS

#: Predicates that name a thing, most preferred first.
LABEL_PREDICATES: tuple[URIRef, ...] = (
    SKOS.prefLabel,
    RDFS.label,
    ELI["title"],
    DCTERMS.title,
    FOAF.name,
    SDO.name,
    SKOS.altLabel,
)
_RANK = {p: i for i, p in enumerate(LABEL_PREDICATES)}


@dataclass(frozen=True)
class Label:
    """A name to show, with the language it is in (None when untagged or made from the IRI)."""

    text: str
    lang: str | None = None
    from_iri: bool = False


def fold(text: str) -> str:
    """Lower case, accents removed, runs of spaces and punctuation made one space."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[\W_]+", " ", bare.casefold()).strip()


def name_from_iri(iri: str) -> str:
    """A readable name from the last segment of an IRI ('subOrganizationOf' -> 'sub organization
    of', 'ministry-of-justice' -> 'ministry of justice')."""
    tail = re.split(r"[#/]", iri.rstrip("/#"))[-1] or iri
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", tail)
    words = re.sub(r"[-_]+", " ", spaced).split()
    return " ".join(w if w.isupper() else w.lower() for w in words) or iri


def pick_label(
    iri: str,
    names: Iterable[tuple[URIRef, Literal]],
    lang: str,
    fallback: str = "en",
) -> Label:
    """The best name of ``iri`` among ``(predicate, literal)`` pairs for language ``lang``."""
    best: tuple[tuple[int, int], Literal] | None = None
    for predicate, literal in names:
        tag = (literal.language or "").lower()
        if tag == lang or tag.startswith(lang + "-"):
            lang_rank = 0
        elif tag == fallback or tag.startswith(fallback + "-"):
            lang_rank = 1
        elif not tag:
            lang_rank = 2
        else:
            lang_rank = 3
        key = (lang_rank, _RANK.get(predicate, len(_RANK)))
        if best is None or key < best[0]:
            best = (key, literal)
    if best is None:
        return Label(name_from_iri(iri), None, from_iri=True)
    literal = best[1]
    return Label(str(literal), literal.language)


def fetch_names(store: Store, iris: Iterable[str]) -> dict[str, list[tuple[URIRef, Literal]]]:
    """Every name of each IRI (all label predicates, all languages), in one query per batch."""
    wanted = sorted({i for i in iris if is_absolute_iri(i)})
    found: dict[str, list[tuple[URIRef, Literal]]] = defaultdict(list)
    for start in range(0, len(wanted), 400):
        batch = wanted[start : start + 400]
        query = (
            "SELECT DISTINCT ?x ?p ?l WHERE { "
            + bindings.values("x", batch)
            + f" ?x ?p ?l . FILTER(isLiteral(?l) && {bindings.one_of('p', LABEL_PREDICATES)}) }}"
        )
        for row in store.query(query).rows:
            x, p, lit = row
            if isinstance(lit, Literal) and isinstance(p, URIRef):
                found[str(x)].append((p, lit))
    return dict(found)


def labels_for(
    store: Store, iris: Iterable[str], lang: str, fallback: str = "en"
) -> dict[str, Label]:
    """The chosen label of each IRI (every IRI gets one, from its name or its IRI)."""
    wanted = list(dict.fromkeys(iris))
    names = fetch_names(store, wanted)
    return {i: pick_label(i, names.get(i, ()), lang, fallback) for i in wanted}


@dataclass(frozen=True)
class Hit:
    """One search result: the thing and the name that matched."""

    iri: str
    matched: str
    matched_lang: str | None
    score: int
    predicate: URIRef = RDFS.label


@dataclass
class LabelIndex:
    """Every name of every IRI, folded for case- and accent-insensitive search."""

    entries: list[tuple[str, str, URIRef, Literal]] = field(default_factory=list)
    by_iri: dict[str, list[tuple[URIRef, Literal]]] = field(default_factory=dict)

    @classmethod
    def build(cls, store: Store) -> LabelIndex:
        """Read every name in the store into an index."""
        query = (
            "SELECT DISTINCT ?x ?p ?l WHERE { "
            + bindings.values("p", LABEL_PREDICATES)
            + " ?x ?p ?l . FILTER(isIRI(?x) && isLiteral(?l)) }"
        )
        index = cls()
        for x, p, lit in store.query(query).rows:
            if isinstance(lit, Literal) and isinstance(p, URIRef) and x is not None:
                index.entries.append((fold(str(lit)), str(x), p, lit))
                index.by_iri.setdefault(str(x), []).append((p, lit))
        return index

    def label(self, iri: str, lang: str, fallback: str = "en") -> Label:
        """The label of ``iri`` in ``lang`` from the index."""
        return pick_label(iri, self.by_iri.get(iri, ()), lang, fallback)

    def search(self, text: str, *, prefixes: Sequence[str] = ()) -> list[Hit]:
        """Things whose name contains every word of ``text``; best matches first.

        Exact names rank first, then names starting with the text, then names with a word
        starting with it, then any other match. ``prefixes`` limits hits to IRIs under them.
        """
        needle = fold(text)
        if not needle:
            return []
        words = needle.split()
        best: dict[str, Hit] = {}
        for folded, iri, predicate, literal in self.entries:
            if prefixes and not iri.startswith(tuple(prefixes)):
                continue
            if not all(w in folded for w in words):
                continue
            if folded == needle:
                score = 0
            elif folded.startswith(needle):
                score = 1
            elif (" " + needle) in (" " + folded):
                score = 2
            else:
                score = 3
            hit = Hit(iri, str(literal), literal.language, score, predicate)
            old = best.get(iri)
            if old is None or (score, len(hit.matched)) < (old.score, len(old.matched)):
                best[iri] = hit
        return sorted(best.values(), key=lambda h: (h.score, fold(h.matched), h.iri))


class IndexCache:
    """One LabelIndex per store version, rebuilt when the content changes (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple[int, str] | None = None
        self._index: LabelIndex | None = None

    def get(self, store: Store) -> LabelIndex:
        """The index of the store's current content."""
        key = (id(store), store.version())
        with self._lock:
            if self._index is None or self._key != key:
                self._index = LabelIndex.build(store)
                self._key = key
            return self._index
