"""The history of writes: one PROV activity per accepted write, in the history named graph.

Each accepted write becomes, in ``Iris.history_graph``::

    <…/id/change/{stamp}-{nonce}> a prov:Activity ;
        rdfs:label "SPARQL Update by editor, 2 added, 1 removed"@en ;
        dct:type "SPARQL Update" ;
        prov:startedAtTime "…"^^xsd:dateTime ; prov:endedAtTime "…"^^xsd:dateTime ;
        prov:wasAssociatedWith <…/id/editor/{name}> ;
        dct:subject <entity touched> , … ;
        prov:generated <…#added> ; prov:invalidated <…#removed> .
    <…#added> a prov:Collection ; void:triples 2 ; prov:hadMember <…#added-1> , … .
    <…#added-1> a rdf:Statement ; rdf:subject … ; rdf:predicate … ; rdf:object … ;
        dct:isPartOf <graph it was written to> .

The changed triples are quoted (``rdf:Statement``), never asserted: a removed statement kept
as a plain triple would come back in the union default graph. ``dct:subject`` links the
activity to every IRI the write said something about, which is what an entity page needs
(:func:`entity_history`).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from thb_graph.kg.iris import Iris, slugify
from thb_graph.namespaces import DCTERMS, FOAF, PROV, RDF, RDFS, VOID, XSD

Triple = tuple[Node, Node, Node]
#: A statement and the named graph it is in (None: the default graph).
Quad = tuple[Node, Node, Node, Node | None]

#: How many IRIs an activity lists as its subjects at most (a bulk write touches many).
MAX_SUBJECTS = 1000


@dataclass(frozen=True)
class WriteRecord:
    """What is recorded about one accepted write."""

    activity: str
    operation: str
    agent_name: str
    started: datetime
    ended: datetime
    added: Sequence[Quad]
    removed: Sequence[Quad]


def new_activity_iri(iris: Iris, started: datetime) -> str:
    """A fresh, readable, sortable IRI for the activity of a write started at ``started``."""
    stamp = started.astimezone(UTC).strftime("%Y%m%dt%H%M%S%fz")
    return iris.entity("change", f"{stamp}-{secrets.token_hex(4)}")


def agent_iri(iris: Iris, name: str) -> str:
    """The IRI of the holder of a write token, from its configured name."""
    return iris.entity("editor", slugify(name) or "editor")


def history_triples(iris: Iris, record: WriteRecord) -> list[Triple]:
    """The triples describing ``record``, to be added to the history graph."""
    act = URIRef(record.activity)
    agent = URIRef(agent_iri(iris, record.agent_name))
    label = (
        f"{record.operation} by {record.agent_name}, "
        f"{len(record.added)} added, {len(record.removed)} removed"
    )
    out: list[Triple] = [
        (act, RDF.type, PROV.Activity),
        (act, RDFS.label, Literal(label, lang="en")),
        (act, DCTERMS.type, Literal(record.operation)),
        (act, PROV.startedAtTime, _datetime(record.started)),
        (act, PROV.endedAtTime, _datetime(record.ended)),
        (act, PROV.wasAssociatedWith, agent),
        (agent, RDF.type, PROV.Agent),
        (agent, FOAF.name, Literal(record.agent_name)),
    ]
    for subject in touched_subjects(iris, [*record.added, *record.removed]):
        out.append((act, DCTERMS.subject, subject))
    out += _collection(act, PROV.generated, "added", "statements added", record.added)
    out += _collection(act, PROV.invalidated, "removed", "statements removed", record.removed)
    return out


def touched_subjects(iris: Iris, quads: Iterable[Quad]) -> list[URIRef]:
    """The IRIs a change speaks about: every IRI subject, and objects under the base."""
    seen: dict[URIRef, None] = {}
    for s, _, o, _ in quads:
        if isinstance(s, URIRef):
            seen[s] = None
        if isinstance(o, URIRef) and str(o).startswith(iris.id_prefix):
            seen[o] = None
        if len(seen) >= MAX_SUBJECTS:
            break
    return list(seen)


def _collection(
    act: URIRef, link: URIRef, name: str, label: str, quads: Sequence[Quad]
) -> list[Triple]:
    node = URIRef(f"{act}#{name}")
    out: list[Triple] = [
        (act, link, node),
        (node, RDF.type, PROV.Collection),
        (node, RDFS.label, Literal(label, lang="en")),
        (node, VOID.triples, Literal(len(quads))),
    ]
    for n, (s, p, o, g) in enumerate(quads, start=1):
        statement = URIRef(f"{act}#{name}-{n}")
        out += [
            (node, PROV.hadMember, statement),
            (statement, RDF.type, RDF.Statement),
            (statement, RDF.subject, _quoted(s)),
            (statement, RDF.predicate, p),
            (statement, RDF.object, _quoted(o)),
        ]
        if g is not None:
            out.append((statement, DCTERMS.isPartOf, g))
    return out


def _quoted(term: Node) -> Node:
    """A blank node of the data is quoted by a blank node of its own (never the same one)."""
    return BNode("q" + str(term)) if isinstance(term, BNode) else term


def _datetime(moment: datetime) -> Literal:
    text = moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return Literal(text, datatype=XSD.dateTime)
