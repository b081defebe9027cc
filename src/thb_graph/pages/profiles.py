"""Which statements go where on an entity page, and what each kind of thing shows first.

Sections group the outgoing statements (names, description, facts, dates, identifiers,
provenance); within "facts" the predicates listed in :data:`FACT_ORDER` come first, in that
order, the rest by label. A :class:`Profile` is the summary a kind of thing opens with: an
organisation's parent, units, chairs and partners; a law's articles, amendments and what it
transposes; a programme's runner, dates, beneficiaries and amounts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal as Lit

from rdflib import URIRef

from thb_graph.namespaces import (
    DCTERMS,
    ELI,
    FOAF,
    ORG,
    OWL,
    PROV,
    QB,
    RDF,
    RDFS,
    SKOS,
    THB,
    TIME,
)
from thb_graph.pages.labels import LABEL_PREDICATES

SECTION_KEYS = ("names", "about", "facts", "dates", "identifiers", "provenance")

ABOUT = (DCTERMS.description, SKOS.definition, RDFS.comment, THB.purpose, THB.claimText)
DATES = (
    THB.date, THB.year, ELI.date_document, ELI.date_publication, ELI.first_date_entry_in_force,
    THB.asOf, THB.period, DCTERMS.date, THB.plannedFor, TIME.hasBeginning, TIME.hasEnd,
    TIME.inXSDDate, TIME.inXSDgYear, TIME.inXSDgYearMonth,
)  # fmt: skip
IDENTIFIERS = (
    SKOS.exactMatch, SKOS.closeMatch, OWL.sameAs, ELI.id_local, RDFS.seeAlso, FOAF.homepage,
    DCTERMS.identifier,
)  # fmt: skip
PROVENANCE = (
    DCTERMS.source, PROV.wasAttributedTo, THB.evidence, THB.hedge, THB.approximate,
    THB.interpretation, THB.derivation, THB.isDerived, THB.derivedFrom, PROV.wasDerivedFrom,
    THB.citedIn, DCTERMS.isReferencedBy,
)  # fmt: skip

#: Predicates that carry the number of a figure.
MEASURES = (THB["count"], THB.countMin, THB.countMax, THB.amount, THB.percentage)
#: Predicates that say which slice of a total a figure counts, most telling first.
DIMENSIONS = (
    THB.originRegion, THB.nationality, THB.exploitationForm, THB.sex, THB.ageGroup,
    THB.victimGroup, THB.offence, THB.refArea, THB.refPeriod,
)  # fmt: skip
#: Predicates whose values date a thing (used for timelines).
DATE_VALUES = (THB.date, ELI.date_document, ELI.date_publication, THB.year)

FACT_ORDER = (
    ORG.subOrganizationOf, ORG.hasSubOrganization, ORG.transitiveSubOrganizationOf,
    THB.coChairedBy, THB.chairedBy, THB.headedBy, ORG.hasMember, THB.partner,
    THB.jurisdiction, THB.handlesCasesOf, THB.handlesOffence, THB.hasTask,
    ELI.is_part_of, ELI.has_part, ELI.amends, ELI.transposes, THB.preparedBy,
    THB.legislativeStatus, THB.definesOffence, THB.criminalises, THB.hasProvision,
    THB.carriedOutBy, THB.funder, THB.fundedParty, THB.targetGroup, THB.beneficiary,
    THB.providesSupport, THB.participant,
    QB.dataSet, THB.partOf, *MEASURES, THB.currency, *DIMENSIONS,
    THB.about, THB.subject, THB.status, THB.challenges, THB.conflictsWith,
)  # fmt: skip

_SECTION_OF: dict[URIRef, str] = {}
for _keys, _name in (
    (LABEL_PREDICATES, "names"),
    (ABOUT, "about"),
    (DATES, "dates"),
    (IDENTIFIERS, "identifiers"),
    (PROVENANCE, "provenance"),
):
    for _p in _keys:
        _SECTION_OF[URIRef(_p)] = _name


def section_of(predicate: URIRef) -> str:
    """The section a predicate's values are shown in."""
    return _SECTION_OF.get(predicate, "facts")


def fact_rank(predicate: URIRef) -> int:
    """Where a predicate goes among the facts (listed ones first, in list order)."""
    try:
        return FACT_ORDER.index(predicate)
    except ValueError:
        return len(FACT_ORDER)


Direction = Lit["out", "in"]


@dataclass(frozen=True)
class Row:
    """One line of a profile: a UI key and the (predicate, direction) pairs that fill it."""

    key: str
    links: tuple[tuple[URIRef, Direction], ...]


@dataclass(frozen=True)
class Profile:
    """The summary of a kind of thing, chosen when the thing has one of ``classes``."""

    key: str
    classes: tuple[URIRef, ...]
    rows: tuple[Row, ...]

    def incoming_predicates(self) -> list[URIRef]:
        """Predicates read from the other end (things pointing here)."""
        return [p for row in self.rows for p, d in row.links if d == "in"]


def _row(key: str, *links: tuple[URIRef, Direction]) -> Row:
    return Row(key, tuple(links))


PROFILES: tuple[Profile, ...] = (
    Profile(
        "organisation",
        (ORG.Organization, THB.Organisation, FOAF.Organization),
        (
            _row("parent", (ORG.subOrganizationOf, "out")),
            _row("units", (ORG.subOrganizationOf, "in"), (ORG.hasSubOrganization, "out")),
            _row("co_chairs", (THB.coChairedBy, "out")),
            _row("chairs", (THB.chairedBy, "out")),
            _row("heads", (THB.headedBy, "out")),
            _row("members", (ORG.hasMember, "out")),
            _row("chairs_of", (THB.coChairedBy, "in"), (THB.chairedBy, "in")),
            _row("partners", (THB.partner, "out"), (THB.partner, "in")),
            _row("jurisdiction", (THB.jurisdiction, "out")),
            _row("handles", (THB.handlesCasesOf, "out"), (THB.handlesOffence, "out")),
            _row("tasks", (THB.hasTask, "out")),
            _row("runs", (THB.carriedOutBy, "in")),
            _row("claims_about", (THB.about, "in"), (THB.subject, "in")),
        ),
    ),
    Profile(
        "law",
        (ELI.LegalResource,),
        (
            _row("part_of", (ELI.is_part_of, "out")),
            _row("articles", (ELI.has_part, "out"), (ELI.is_part_of, "in")),
            _row("amends", (ELI.amends, "out")),
            _row("amended_by", (ELI.amends, "in")),
            _row("transposes", (ELI.transposes, "out")),
            _row("transposed_by", (ELI.transposes, "in")),
            _row("implements", (THB.implements, "out"), (ELI.implements, "out")),
            _row("status", (THB.legislativeStatus, "out")),
            _row("prepared_by", (THB.preparedBy, "out")),
            _row("defines", (THB.definesOffence, "out"), (THB.criminalises, "out")),
            _row("provisions", (THB.hasProvision, "out")),
            _row("claims_about", (THB.about, "in"), (THB.subject, "in")),
        ),
    ),
    Profile(
        "claim",
        (THB.Claim,),
        (
            _row("about", (THB.about, "out"), (THB.subject, "out")),
            _row("status", (THB.status, "out")),
            _row("as_of", (THB.asOf, "out")),
            _row("length", (THB.duration, "out")),
            _row("renewal", (THB.renewalInterval, "out"), (THB.renewable, "out")),
            _row("when", (THB.period, "out")),
            _row("claimed_by", (PROV.wasAttributedTo, "out")),
            _row("conflicts_with", (THB.conflictsWith, "out"), (THB.conflictsWith, "in")),
            _row("challenges", (THB.challenges, "out")),
            _row("challenged_by", (THB.challenges, "in")),
            _row("source", (DCTERMS.source, "out")),
        ),
    ),
    Profile(
        "measure",
        (THB.Measure,),
        (
            _row("run_by", (THB.carriedOutBy, "out"), (PROV.wasAssociatedWith, "out")),
            _row("when", (THB.date, "out"), (THB.period, "out"), (THB.year, "out")),
            _row("for_whom", (THB.targetGroup, "out"), (THB.beneficiary, "out")),
            _row("amount", (THB.amount, "out")),
            _row("duration", (THB.duration, "out"), (THB.frequency, "out")),
            _row("support", (THB.providesSupport, "out")),
            _row("funding", (THB.funder, "out"), (THB.fundedParty, "out")),
            _row("participants", (THB.participant, "out")),
            _row("where", (THB.refArea, "out")),
            _row("claims_about", (THB.about, "in"), (THB.subject, "in")),
        ),
    ),
    Profile(
        "event",
        (THB.Event,),
        (
            _row("when", (THB.date, "out"), (THB.period, "out")),
            _row("agents", (THB.agent, "out")),
            _row(
                "brought_about",
                (THB.established, "out"),
                (THB.created, "out"),
                (THB.adopted, "out"),
            ),
            _row("led_to", (THB.ledTo, "out"), (THB.resulted, "out")),
            _row("followed", (THB.ledTo, "in"), (THB.resulted, "in")),
        ),
    ),
)


def profile_for(classes: set[URIRef]) -> Profile | None:
    """The first profile one of whose classes the thing has."""
    for profile in PROFILES:
        if classes.intersection(profile.classes):
            return profile
    return None


#: Names of common predicates, used when the graph gives none in the chosen language.
PREDICATE_NAMES: dict[str, dict[str, str]] = {
    str(RDF.type): {"en": "type", "fr": "type"},
    str(RDFS.label): {"en": "name", "fr": "nom"},
    "http://www.w3.org/2004/02/skos/core#prefLabel": {"en": "name", "fr": "nom"},
    "http://www.w3.org/2004/02/skos/core#altLabel": {"en": "also called", "fr": "aussi appelé"},
    "http://www.w3.org/2004/02/skos/core#definition": {"en": "definition", "fr": "définition"},
    "http://www.w3.org/2004/02/skos/core#exactMatch": {"en": "same as", "fr": "identique à"},
    "http://www.w3.org/2004/02/skos/core#inScheme": {"en": "in scheme", "fr": "dans le schéma"},
    "http://www.w3.org/2004/02/skos/core#broader": {"en": "broader", "fr": "plus large"},
    "http://purl.org/dc/terms/source": {"en": "source", "fr": "source"},
    "http://purl.org/dc/terms/description": {"en": "description", "fr": "description"},
    "http://purl.org/dc/terms/title": {"en": "title", "fr": "titre"},
    "http://www.w3.org/ns/prov#wasAttributedTo": {"en": "reported by", "fr": "selon"},
    "http://www.w3.org/ns/prov#wasDerivedFrom": {"en": "derived from", "fr": "dérivé de"},
    "http://data.europa.eu/eli/ontology#title": {"en": "title", "fr": "titre"},
    "http://data.europa.eu/eli/ontology#is_part_of": {"en": "part of", "fr": "partie de"},
    "http://data.europa.eu/eli/ontology#has_part": {"en": "has part", "fr": "comprend"},
    "http://data.europa.eu/eli/ontology#amends": {"en": "amends", "fr": "modifie"},
    "http://data.europa.eu/eli/ontology#transposes": {"en": "transposes", "fr": "transpose"},
    "http://data.europa.eu/eli/ontology#date_document": {"en": "date", "fr": "date"},
    "http://data.europa.eu/eli/ontology#id_local": {"en": "number", "fr": "numéro"},
    "http://purl.org/linked-data/cube#dataSet": {"en": "dataset", "fr": "jeu de données"},
    str(RDFS.subClassOf): {"en": "subclass of", "fr": "sous-classe de"},
    str(OWL.sameAs): {"en": "same as", "fr": "identique à"},
}
