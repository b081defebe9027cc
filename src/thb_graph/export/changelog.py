"""The change log between two versions of the graph: triples added and removed per named
graph, as RDF (TriG) and as a summary a person reads by entity ("OCRTEH: alternative label
added").

Graphs are compared triple by triple; a graph holding blank nodes is compared on its
canonical form (rdflib's ``graph_diff``), so relabelled blank nodes are not changes. The
summary by entity covers the asserted graphs: what inference derives from a change is
counted per graph but not repeated entity by entity.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import graph_diff
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, VOID, XSD
from rdflib.term import Node

from thb_graph.errors import RdfSyntaxError

#: The changeset vocabulary: one ChangeSet per entity that changed.
CS = "http://purl.org/vocab/changeset/schema#"

Triple = tuple[Node, Node, Node]

#: Names of well-known properties whose vocabularies are not loaded into the graph.
_KNOWN_NAMES = {
    str(RDF.type): "type",
    str(RDFS.label): "label",
    str(RDFS.comment): "comment",
    str(SKOS.prefLabel): "preferred label",
    str(SKOS.altLabel): "alternative label",
    str(SKOS.definition): "definition",
    str(SKOS.exactMatch): "exact match",
    str(FOAF.name): "name",
    str(DCTERMS.source): "source",
    str(DCTERMS.title): "title",
    str(OWL.sameAs): "same as",
}
_NAME_PROPERTIES = (SKOS.prefLabel, RDFS.label, FOAF.name, DCTERMS.title)


@dataclass
class GraphChange:
    """Triples added to and removed from one named graph."""

    graph: str
    added: set[Triple] = field(default_factory=set)
    removed: set[Triple] = field(default_factory=set)


@dataclass
class ChangeLog:
    """Every change between two versions, graph by graph, and a line per changed entity."""

    old_version: str
    new_version: str
    graphs: list[GraphChange]
    entities: list[tuple[str, str, str]]  # (IRI, name, what changed)

    @property
    def empty(self) -> bool:
        """True when nothing changed."""
        return not any(g.added or g.removed for g in self.graphs)

    def to_text(self) -> str:
        """The readable summary (Markdown)."""
        lines = [f"# Changes from {self.old_version} to {self.new_version}", ""]
        if self.empty:
            return "\n".join([*lines, "No triple was added or removed.", ""])
        lines += ["## By entity", ""]
        lines += [f"- {name}: {what} (<{iri}>)" for iri, name, what in self.entities]
        lines += ["", "## By graph", "", "| graph | added | removed |", "|---|---|---|"]
        lines += [f"| <{g.graph}> | {len(g.added)} | {len(g.removed)} |" for g in self.graphs]
        return "\n".join([*lines, ""])

    def to_rdf(self, changes_iri: str, old_iri: str, new_iri: str, issued: str) -> bytes:
        """The change log as TriG: a description in the default graph (counts per graph as
        VoID subsets, one ``cs:ChangeSet`` per entity) and the added and removed triples of
        each graph in named graphs ``{changes_iri}/added/{n}`` and ``…/removed/{n}``."""
        dataset = Dataset()
        meta = dataset.default_graph
        log = URIRef(changes_iri)
        dataset.bind("cs", CS)
        meta.add((log, RDF.type, DCAT.Dataset))
        meta.add((log, RDF.type, PROV.Entity))
        title = f"Changes from {self.old_version} to {self.new_version}"
        meta.add((log, DCTERMS.title, Literal(title, lang="en")))
        meta.add((log, DCTERMS.issued, Literal(issued, datatype=XSD.date)))
        meta.add((log, DCTERMS.references, URIRef(old_iri)))
        meta.add((log, DCTERMS.references, URIRef(new_iri)))
        for number, change in enumerate(self.graphs, start=1):
            for kind, triples in (("added", change.added), ("removed", change.removed)):
                if not triples:
                    continue
                part = URIRef(f"{changes_iri}/{kind}/{number}")
                meta.add((log, VOID.subset, part))
                meta.add((part, RDF.type, VOID.Dataset))
                meta.add((part, DCTERMS.subject, URIRef(change.graph)))
                text = f"Triples {kind} in the graph {change.graph}"
                meta.add((part, DCTERMS.title, Literal(text, lang="en")))
                meta.add((part, VOID.triples, Literal(len(triples), datatype=XSD.integer)))
                named = dataset.graph(part)
                for triple in triples:
                    named.add(triple)
        for number, (iri, name, what) in enumerate(self.entities, start=1):
            node = URIRef(f"{changes_iri}#entity-{number}")
            meta.add((node, RDF.type, URIRef(CS + "ChangeSet")))
            meta.add((node, URIRef(CS + "subjectOfChange"), URIRef(iri)))
            meta.add((node, URIRef(CS + "changeReason"), Literal(f"{name}: {what}", lang="en")))
            meta.add((node, URIRef(CS + "createdDate"), Literal(issued, datatype=XSD.date)))
            meta.add((node, DCTERMS.isPartOf, log))
        return dataset.serialize(format="trig", encoding="utf-8")


def parse_nquads(data: bytes) -> dict[str, Graph]:
    """N-Quads -> one Graph per named graph IRI (the default graph under ``""``)."""
    dataset = Dataset()
    try:
        dataset.parse(data=data, format="nquads")
    except (ValueError, SyntaxError) as e:
        raise RdfSyntaxError(f"unreadable N-Quads dump: {e}") from e
    graphs: dict[str, Graph] = {}
    for s, p, o, g in dataset.quads():
        name = "" if g is None or g == dataset.default_graph.identifier else str(g)
        graphs.setdefault(name, Graph()).add((s, p, o))
    return graphs


def compare(
    old: dict[str, Graph],
    new: dict[str, Graph],
    *,
    old_version: str,
    new_version: str,
    derived_graphs: Iterable[str] = (),
) -> ChangeLog:
    """The change log from ``old`` to ``new`` (graph IRI -> Graph); ``derived_graphs`` are
    counted but left out of the summary by entity."""
    changes = [_diff(name, old.get(name, Graph()), new.get(name, Graph())) for name in old | new]
    changed = sorted((c for c in changes if c.added or c.removed), key=lambda c: c.graph)
    skip = set(derived_graphs)
    asserted = [c for c in changed if c.graph not in skip]
    everything = Graph()
    for graph in [*old.values(), *new.values()]:
        for triple in graph:
            everything.add(triple)
    before = {s for name, g in old.items() if name not in skip for s in g.subjects()}
    entities = _by_entity(asserted, everything, before)
    return ChangeLog(old_version, new_version, changed, entities)


def _diff(name: str, old: Graph, new: Graph) -> GraphChange:
    if _has_blank_nodes(old) or _has_blank_nodes(new):
        _, only_old, only_new = graph_diff(old, new)
        return GraphChange(name, set(only_new), set(only_old))
    old_set, new_set = set(old), set(new)
    return GraphChange(name, new_set - old_set, old_set - new_set)


def _has_blank_nodes(graph: Graph) -> bool:
    return any(isinstance(t, BNode) for triple in graph for t in triple)


def _by_entity(
    changes: list[GraphChange], names: Graph, before: set[Node]
) -> list[tuple[str, str, str]]:
    edits: dict[Node, dict[Node, set[str]]] = defaultdict(lambda: defaultdict(set))
    for change in changes:
        for kind, triples in (("added", change.added), ("removed", change.removed)):
            for s, p, _ in triples:
                edits[_named_subject(s, names)][p].add(kind)
    lines = []
    for subject, by_property in edits.items():
        if not isinstance(subject, URIRef):
            continue
        if subject not in before:
            what = "new entity"
        else:
            what = "; ".join(
                f"{_property_name(p, names)} {_verb(kinds)}"
                for p, kinds in sorted(by_property.items(), key=lambda i: str(i[0]))
            )
        lines.append((str(subject), _entity_name(subject, names), what))
    return sorted(lines, key=lambda line: (line[1].lower(), line[0]))


def _verb(kinds: set[str]) -> str:
    return "changed" if len(kinds) == 2 else next(iter(kinds))


def _named_subject(subject: Node, graph: Graph, depth: int = 5) -> Node:
    """A blank node's change is reported on the named node that points to it."""
    while isinstance(subject, BNode) and depth > 0:
        parent = next(graph.subjects(None, subject), None)
        if parent is None:
            break
        subject, depth = parent, depth - 1
    return subject


def _entity_name(node: URIRef, graph: Graph) -> str:
    for prop in _NAME_PROPERTIES:
        labels = [o for o in graph.objects(node, prop) if isinstance(o, Literal)]
        for label in sorted(labels, key=lambda o: (o.language not in (None, "en"), str(o))):
            return str(label)
    return _local_name(str(node))


def _property_name(prop: Node, graph: Graph) -> str:
    labels = [o for o in graph.objects(prop, RDFS.label) if isinstance(o, Literal)]
    english = [str(o) for o in labels if o.language in (None, "en")]
    if english:
        return english[0]
    if str(prop) in _KNOWN_NAMES:
        return _KNOWN_NAMES[str(prop)]
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", _local_name(str(prop))).lower()


def _local_name(iri: str) -> str:
    return re.split(r"[/#]", iri.rstrip("/#"))[-1] or iri
