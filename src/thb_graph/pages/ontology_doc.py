"""The documentation of the ontology: every class and property of the ontology graph with its
names and definitions in English and French, domains, ranges, broader and narrower terms."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import Literal, URIRef
from rdflib.term import Node

from thb_graph.kg import bindings
from thb_graph.kg.iris import Iris
from thb_graph.kg.store.base import Store
from thb_graph.namespaces import OWL, RDF, RDFS, SKOS
from thb_graph.pages.entity import Namer, Term

CLASS_TYPES = (OWL.Class, RDFS.Class)
PROPERTY_TYPES = (
    OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property,
)  # fmt: skip
_READ = (
    RDF.type, RDFS.label, SKOS.prefLabel, SKOS.definition, RDFS.comment, RDFS.domain,
    RDFS.range, RDFS.subClassOf, RDFS.subPropertyOf, OWL.inverseOf,
)  # fmt: skip


@dataclass
class TermDoc:
    """One documented class or property."""

    iri: str
    anchor: str
    kind: str
    names: dict[str, str] = field(default_factory=dict)
    definitions: dict[str, str] = field(default_factory=dict)
    domains: list[Term] = field(default_factory=list)
    ranges: list[Term] = field(default_factory=list)
    broader: list[Term] = field(default_factory=list)
    narrower: list[Term] = field(default_factory=list)
    inverse: list[Term] = field(default_factory=list)
    flags: list[Term] = field(default_factory=list)
    members: int = 0


@dataclass
class OntologyDoc:
    """The classes and properties of the ontology, in name order."""

    iri: str
    title: str
    classes: list[TermDoc]
    properties: list[TermDoc]


def _pick(literals: list[Literal], lang: str) -> str:
    for lit in literals:
        if lit.language == lang:
            return str(lit)
    return ""


def document_ontology(store: Store, iris: Iris, namer: Namer) -> OntologyDoc:
    """Read the ontology graph and document every term in the project's namespace."""
    graph = bindings.iri_term(iris.ontology_graph)
    result = store.query(
        f"SELECT ?t ?p ?o WHERE {{ GRAPH {graph} {{ ?t ?p ?o }} "
        f"FILTER(isIRI(?t) && {bindings.one_of('p', _READ)}) }}"
    )
    props: dict[str, dict[URIRef, list[Node]]] = defaultdict(lambda: defaultdict(list))
    for subject, predicate, obj in result.rows:
        if isinstance(predicate, URIRef) and obj is not None:
            props[str(subject)][predicate].append(obj)
    namespace = iris.ontology
    counts = store.query(
        f"SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s {bindings.term(RDF.type)} ?c . "
        f"FILTER(STRSTARTS(STR(?c), {bindings.literal_term(Literal(namespace))})) }} GROUP BY ?c"
    )
    members = {str(c): int(str(n)) for c, n in counts.rows if n is not None}
    narrower: dict[str, list[URIRef]] = defaultdict(list)
    for child, links in props.items():
        for parent in (*links.get(RDFS.subClassOf, []), *links.get(RDFS.subPropertyOf, [])):
            narrower[str(parent)].append(URIRef(child))
    wanted = [t for t in props if t.startswith(namespace)]
    for name in wanted:
        namer.want([URIRef(name)])
        for objects in props[name].values():
            namer.want(objects)
        namer.want(narrower.get(name, []))
    namer.want([URIRef(iris.ontology_iri)])
    namer.resolve(store)
    classes: list[TermDoc] = []
    properties: list[TermDoc] = []
    for t in wanted:
        values = props[t]
        types = set(values.get(RDF.type, []))
        is_class = bool(types.intersection(CLASS_TYPES))
        is_property = bool(types.intersection(PROPERTY_TYPES))
        if not (is_class or is_property):
            continue
        names = [v for p in (RDFS.label, SKOS.prefLabel) for v in values.get(p, [])]
        notes = [v for p in (SKOS.definition, RDFS.comment) for v in values.get(p, [])]
        labels = [v for v in names if isinstance(v, Literal)]
        defs = [v for v in notes if isinstance(v, Literal)]
        doc = TermDoc(
            iri=t,
            anchor=t[len(namespace) :],
            kind="class" if is_class else "property",
            members=members.get(t, 0),
            names={lang: _pick(labels, lang) for lang in ("en", "fr") if _pick(labels, lang)},
            definitions={lang: _pick(defs, lang) for lang in ("en", "fr") if _pick(defs, lang)},
            domains=[namer.term(v) for v in values.get(RDFS.domain, [])],
            ranges=[namer.term(v) for v in values.get(RDFS.range, [])],
            broader=[
                namer.term(v)
                for p in (RDFS.subClassOf, RDFS.subPropertyOf)
                for v in values.get(p, [])
                if isinstance(v, URIRef)
            ],
            narrower=sorted((namer.term(v) for v in narrower.get(t, [])), key=lambda x: x.text),
            inverse=[namer.term(v) for v in values.get(OWL.inverseOf, [])],
            flags=[
                namer.term(v)
                for v in sorted(types, key=str)
                if v not in (*CLASS_TYPES, OWL.ObjectProperty, OWL.DatatypeProperty)
            ],
        )
        if not doc.names and not labels:
            doc.names = {"en": namer.label(t).text}
        (classes if is_class else properties).append(doc)
    key = lambda d: (d.names.get(namer.lang) or d.names.get("en") or d.anchor).casefold()  # noqa: E731
    classes.sort(key=key)
    properties.sort(key=key)
    return OntologyDoc(
        iri=iris.ontology_iri,
        title=namer.label(iris.ontology_iri).text,
        classes=classes,
        properties=properties,
    )
