"""Labels: the one name of a thing in the chosen language, and a search index over all names.

A thing may have names through several predicates (``skos:prefLabel``, ``rdfs:label``,
``eli:title`` ...) in several languages. :func:`pick_label` chooses in this order: the chosen
language, then the fallback language, then a name with no language, then any language, then
a readable form of the IRI's last segment. Within one language the predicate order of
:data:`LABEL_PREDICATES` decides.

:class:`LabelIndex` holds every name, built once per store version, and a full-text index of
them (``kg.search``): word-start matching with case and accents folded, in milliseconds.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import Literal, URIRef

from thb_graph.kg import bindings
from thb_graph.kg.iris import is_absolute_iri
from thb_graph.kg.search import Name, TextIndex
from thb_graph.kg.store.base import Store
from thb_graph.namespaces import DCTERMS, ELI, FOAF, OWL, QB, RDF, RDFS, SDO, SKOS, THB

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
    """One search result: the thing, the name that matched (and its marked words)."""

    iri: str
    matched: str
    matched_lang: str | None
    score: int
    predicate: URIRef = RDFS.label
    segments: tuple[tuple[str, bool], ...] = ()


#: Identifiers indexed beside the names ("2011/36/EU", "2011").
ID_PREDICATES: tuple[URIRef, ...] = (ELI.id_local, SKOS.notation)
#: Where a derived name of a figure comes from (never stated in the graph).
DERIVED = URIRef("urn:thb-graph:search:derived-name")
#: What the things are that search leaves out: the terms of the vocabulary.
_SCHEMA_TYPES = (
    OWL.Class,
    RDFS.Class,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.AnnotationProperty,
    RDF.Property,
    OWL.Ontology,
)
#: The dimensions that name a figure, in the order they are read out.
FIGURE_PARTS: tuple[URIRef, ...] = (
    QB.dataSet,
    THB.refArea,
    THB.refPeriod,
    THB.exploitationForm,
    THB.nationality,
    THB.victimGroup,
    THB.ageGroup,
    THB.sex,
)
SEARCH_LANGUAGES = ("en", "fr")


@dataclass
class LabelIndex:
    """Every name of every IRI, and a full-text index of them for search."""

    entries: list[tuple[str, str, URIRef, Literal]] = field(default_factory=list)
    by_iri: dict[str, list[tuple[URIRef, Literal]]] = field(default_factory=dict)
    text: TextIndex | None = None

    @classmethod
    def build(cls, store: Store) -> LabelIndex:
        """Read every name in the store into an index, and index them for search: names
        and identifiers of everything but the vocabulary's terms, and for each figure
        (qb:Observation) names in English and French made from its dimensions' names;
        parts of a total (thb:partOf) rank after totals."""
        predicates = (*LABEL_PREDICATES, *ID_PREDICATES)
        query = (
            "SELECT DISTINCT ?x ?p ?l WHERE { "
            + bindings.values("p", predicates)
            + " ?x ?p ?l . FILTER(isIRI(?x) && isLiteral(?l)) }"
        )
        index = cls()
        named: list[tuple[str, URIRef, Literal]] = []
        for x, p, lit in store.query(query).rows:
            if isinstance(lit, Literal) and isinstance(p, URIRef) and x is not None:
                named.append((str(x), p, lit))
                if p in _RANK:
                    index.entries.append((fold(str(lit)), str(x), p, lit))
                    index.by_iri.setdefault(str(x), []).append((p, lit))
        schema = _iris(
            store,
            "SELECT DISTINCT ?x WHERE { " + bindings.values("c", _SCHEMA_TYPES) + " ?x a ?c }",
        )
        parts = _iris(store, f"SELECT DISTINCT ?x WHERE {{ ?x <{THB.partOf}> ?y }}")
        names = [
            Name(x, str(lit), lit.language, str(p), _weight(p) + (2 if x in parts else 0))
            for x, p, lit in named
            if x not in schema
        ]
        names += index._figure_names(store, parts)
        index.text = TextIndex(names)
        return index

    def _figure_names(self, store: Store, parts: set[str]) -> list[Name]:
        query = (
            f"SELECT ?x ?d ?v WHERE {{ ?x a <{QB.Observation}> . "
            + bindings.values("d", FIGURE_PARTS)
            + " ?x ?d ?v . FILTER(isIRI(?v)) }"
        )
        dims: dict[str, dict[URIRef, list[str]]] = defaultdict(lambda: defaultdict(list))
        for row in store.query(query).rows:
            if isinstance(row[1], URIRef):
                dims[str(row[0])][row[1]].append(str(row[2]))
        out = []
        for figure, by_dim in dims.items():
            weight = 3 if figure in parts else 1
            for lang in SEARCH_LANGUAGES:
                words = [
                    self.label(value, lang).text
                    for d in FIGURE_PARTS
                    for value in sorted(by_dim.get(d, ()))
                ]
                out.append(Name(figure, ", ".join(words), lang, str(DERIVED), weight))
        return out

    def label(self, iri: str, lang: str, fallback: str = "en") -> Label:
        """The label of ``iri`` in ``lang`` from the index."""
        return pick_label(iri, self.by_iri.get(iri, ()), lang, fallback)

    def search(self, text: str, *, limit: int = 1000) -> list[Hit]:
        """Things with a name (or identifier, or a figure's derived name) having a word that
        starts with each word of ``text``; totals before their parts, then shorter names."""
        if self.text is None:
            return []
        return [
            Hit(
                m.iri,
                m.text,
                m.lang,
                m.weight,
                URIRef(m.predicate),
                tuple(m.segments()),
            )
            for m in self.text.search(text, limit=limit)
        ]


def _weight(predicate: URIRef) -> int:
    """Names rank before alternative names and identifiers."""
    return 0 if _RANK.get(predicate, len(_RANK)) < _RANK[SKOS.altLabel] else 1


def _iris(store: Store, query: str) -> set[str]:
    return {str(row[0]) for row in store.query(query).rows}


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
