"""The ontology (ontology/thb.ttl): its metadata, the labels and definitions of every thb:
term, the declarations of every thb: term the data uses, and the alignments that let OWL-RL
inference give the standard vocabularies' view."""

from __future__ import annotations

from pathlib import Path

import owlrl
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

from thb_graph.namespaces import ELI, ORG, QB, SDMX_DIMENSION, SDMX_MEASURE, SDO, THB

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY_IRI = URIRef("https://w3id.org/thb-graph/ontology")
TERM_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ROOT / "ontology" / "thb.ttl", format="turtle")


def _thb_terms(ontology: Graph) -> set[URIRef]:
    return {
        s
        for t in TERM_TYPES
        for s in ontology.subjects(RDF.type, t)
        if isinstance(s, URIRef) and s.startswith(str(THB))
    }


def _languages(graph: Graph, term: URIRef, predicate: URIRef) -> set[str]:
    return {o.language for o in graph.objects(term, predicate) if isinstance(o, Literal)}


def test_ontology_states_version_licence_source_and_dates(ontology: Graph) -> None:
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(ONTOLOGY_IRI, OWL.versionInfo) is not None
    version_iri = ontology.value(ONTOLOGY_IRI, OWL.versionIRI)
    assert isinstance(version_iri, URIRef) and version_iri.startswith(str(ONTOLOGY_IRI) + "/")
    assert ontology.value(ONTOLOGY_IRI, DCTERMS.license) == URIRef(
        "https://creativecommons.org/licenses/by/4.0/"
    )
    assert ontology.value(ONTOLOGY_IRI, DCTERMS.source) == URIRef(
        "https://w3id.org/thb-graph/id/source/france-country-profile"
    )
    assert ontology.value(ONTOLOGY_IRI, DCTERMS.created).datatype == XSD.date
    assert {"en", "fr"} <= _languages(ontology, ONTOLOGY_IRI, DCTERMS.title)
    assert {"en", "fr"} <= _languages(ontology, ONTOLOGY_IRI, DCTERMS.description)


def test_ontology_declares_the_terms_of_the_data_model(ontology: Graph) -> None:
    terms = {str(t)[len(str(THB)) :] for t in _thb_terms(ontology)}
    model = [
        "Actor", "Organisation", "Government", "Ministry", "PoliceOffice", "PoliceDirectorate",
        "SpecialisedUnit", "WorkingGroup", "Mission", "Agency", "NGO",
        "InternationalOrganisation", "Parliament", "LocalAuthority", "LawEnforcementAuthority",
        "Network", "CriminalNetwork", "ActorGroup", "Task", "SourceDocument", "Country",
        "Region", "Territory", "City", "Area", "Law", "Code", "Article", "Bill", "Directive",
        "Convention", "Amendment", "Offence", "Provision", "Measure", "Training",
        "AssistanceMeasure", "Stipend", "ReflectionPeriod", "ResidencePermitRule",
        "WitnessProtection", "Funding", "Conference", "AwarenessMaterial", "Platform",
        "Strategy", "InternationalCooperation", "ActionPlan", "Event", "Claim", "Allegation",
        "StatusStatement", "coChairedBy", "chairedBy", "headedBy", "jurisdiction", "partner",
        "handlesCasesOf", "handlesOffence", "hasTask", "order", "taskObject", "purpose",
        "locatedIn", "year", "preparedBy", "legislativeStatus", "definesOffence",
        "criminalises", "hasProvision", "introduced", "penaltyComparableTo",
        "usedToProsecute", "usage", "statisticalUnit", "refPeriod", "refArea", "originRegion",
        "nationality", "exploitationForm", "sex", "ageGroup", "victimGroup", "offence",
        "count", "countMin", "countMax", "amount", "currency", "percentage", "partOf",
        "hasPart", "derivedFrom", "derivation", "isDerived", "interpretation", "hedge",
        "approximate", "evidence", "citedIn", "carriedOutBy", "targetGroup", "beneficiary",
        "participant", "duration", "date", "period", "hasFigure", "providesSupport",
        "frequency", "allows", "funder", "fundedParty", "eventType", "agent", "resulted",
        "ledTo", "established", "created", "adopted", "claimText", "about", "challenges",
        "conflictsWith", "renewable", "renewalInterval", "subject", "status", "asOf",
        "plannedBy", "plannedFor", "periodNote",
    ]  # fmt: skip
    assert sorted(set(model) - terms) == []


def test_every_thb_term_has_english_and_french_labels_and_an_english_definition(
    ontology: Graph,
) -> None:
    terms = _thb_terms(ontology)
    assert len(terms) > 150
    missing = [
        str(term)
        for term in sorted(terms)
        if not {"en", "fr"} <= _languages(ontology, term, RDFS.label)
        or "en" not in _languages(ontology, term, SKOS.definition)
    ]
    assert missing == []


def test_every_thb_term_is_defined_by_the_ontology(ontology: Graph) -> None:
    undefined = sorted(
        str(term)
        for term in _thb_terms(ontology)
        if (term, RDFS.isDefinedBy, ONTOLOGY_IRI) not in ontology
    )
    assert undefined == []


def test_every_thb_term_has_one_label_per_language(ontology: Graph) -> None:
    for term in _thb_terms(ontology):
        labels = [o.language for o in ontology.objects(term, RDFS.label)]
        assert len(labels) == len(set(labels)), term


def test_every_thb_property_is_an_object_or_datatype_property_not_both(ontology: Graph) -> None:
    for term in _thb_terms(ontology):
        kinds = {t for t in ontology.objects(term, RDF.type) if t in TERM_TYPES}
        assert len(kinds) == 1, (term, kinds)


def test_every_external_term_the_ontology_uses_is_declared_with_a_label(ontology: Graph) -> None:
    used: set[URIRef] = set()
    for s, p, o in ontology:
        if p in (RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range, OWL.inverseOf):
            used.update(t for t in (s, o) if isinstance(t, URIRef))
    builtins = (str(RDF), str(RDFS), str(OWL), str(XSD))
    external = {t for t in used if not str(t).startswith((str(THB), *builtins))}
    unlabelled = sorted(str(t) for t in external if "en" not in _languages(ontology, t, RDFS.label))
    assert unlabelled == []


def test_every_thb_term_used_in_the_data_is_declared(ontology: Graph) -> None:
    declared = {s for s in ontology.subjects() if isinstance(s, URIRef)}
    undeclared: dict[str, list[str]] = {}
    for path in sorted((ROOT / "data").glob("*.ttl")):
        data = Graph().parse(path, format="turtle")
        used = {
            term
            for triple in data
            for term in triple
            if isinstance(term, URIRef) and term.startswith(str(THB))
        }
        missing = sorted(str(t)[len(str(THB)) :] for t in used - declared)
        if missing:
            undeclared[path.name] = missing
    assert undeclared == {}


def test_every_class_and_property_the_data_uses_has_an_english_label(ontology: Graph) -> None:
    builtins = (str(RDF), str(RDFS), str(OWL), str(XSD))
    unlabelled: dict[str, set[str]] = {}
    for path in sorted((ROOT / "data").glob("*.ttl")):
        for _, p, o in Graph().parse(path, format="turtle"):
            for term in (p, o) if p == RDF.type else (p,):
                if str(term).startswith(builtins):
                    continue
                if "en" not in _languages(ontology, term, RDFS.label):
                    unlabelled.setdefault(str(term), set()).add(path.name)
    assert unlabelled == {}


@pytest.fixture(scope="module")
def inferred(ontology: Graph) -> Graph:
    """The ontology plus a few instances, closed under OWL 2 RL."""
    ex = "https://w3id.org/thb-graph/id/"
    data = Graph()
    data += ontology
    turtle = f"""
        @prefix thb: <{THB}> . @prefix org: <{ORG}> . @prefix eli: <{ELI}> .
        @prefix qb: <{QB}> .
        <{ex}actor/office> a thb:PoliceOffice ; org:subOrganizationOf <{ex}actor/ministry> .
        <{ex}actor/ministry> a thb:Ministry ; org:subOrganizationOf <{ex}actor/government> .
        <{ex}actor/unit> a thb:SpecialisedUnit .
        <{ex}actor/group> a thb:WorkingGroup ; thb:coChairedBy <{ex}actor/ministry> ;
            org:hasMember <{ex}actor/office> .
        <{ex}actor/a> thb:partner <{ex}actor/b> .
        <{ex}legal/article> a thb:Article ; eli:is_part_of <{ex}legal/code> .
        <{ex}legal/bill> a thb:Bill ; eli:amends <{ex}legal/article> ;
            eli:transposes <http://data.europa.eu/eli/dir/2011/36/oj> .
        <{ex}measure/training> a thb:Training ; thb:carriedOutBy <{ex}actor/ministry> .
        <{ex}claim/a> a thb:Allegation ; thb:conflictsWith <{ex}claim/b> .
        <{ex}claim/permit-rule> a thb:ResidencePermitRule .
        <{ex}place/france> a thb:Country .
        <{ex}observation/part> a qb:Observation ; thb:partOf <{ex}observation/total> ;
            thb:count 3 ; thb:refArea <{ex}place/france> .
    """
    data.parse(data=turtle, format="turtle")
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(data)
    return data


def _id(path: str) -> URIRef:
    return URIRef("https://w3id.org/thb-graph/id/" + path)


@pytest.mark.parametrize(
    ("subject", "predicate", "obj"),
    [
        (_id("actor/office"), RDF.type, ORG.Organization),
        (_id("actor/office"), RDF.type, PROV.Agent),
        (_id("actor/office"), RDF.type, URIRef("http://xmlns.com/foaf/0.1/Agent")),
        (_id("actor/unit"), RDF.type, ORG.OrganizationalUnit),
        (_id("actor/office"), ORG.transitiveSubOrganizationOf, _id("actor/government")),
        (_id("actor/government"), ORG.hasSubOrganization, _id("actor/ministry")),
        (_id("actor/office"), ORG.memberOf, _id("actor/group")),
        (_id("actor/group"), THB.chairedBy, _id("actor/ministry")),
        (_id("actor/b"), THB.partner, _id("actor/a")),
        (_id("legal/article"), RDF.type, ELI.LegalResourceSubdivision),
        (_id("legal/article"), RDF.type, ELI.LegalResource),
        (_id("legal/bill"), RDF.type, ELI.LegalResource),
        (_id("legal/code"), ELI.has_part, _id("legal/article")),
        (_id("legal/article"), ELI.amended_by, _id("legal/bill")),
        (
            URIRef("http://data.europa.eu/eli/dir/2011/36/oj"),
            ELI.transposed_by,
            _id("legal/bill"),
        ),
        (_id("measure/training"), RDF.type, PROV.Activity),
        (_id("measure/training"), RDF.type, SDO.Action),
        (_id("measure/training"), PROV.wasAssociatedWith, _id("actor/ministry")),
        (_id("claim/a"), RDF.type, PROV.Entity),
        (_id("claim/b"), THB.conflictsWith, _id("claim/a")),
        (_id("claim/permit-rule"), RDF.type, THB.Claim),
        (_id("claim/permit-rule"), RDF.type, PROV.Entity),
        (_id("place/france"), RDF.type, DCTERMS.Location),
        (_id("place/france"), RDF.type, SDO.Country),
        (_id("observation/total"), THB.hasPart, _id("observation/part")),
        (_id("observation/part"), SDMX_MEASURE.obsValue, Literal(3)),
        (_id("observation/part"), SDMX_DIMENSION.refArea, _id("place/france")),
        (THB.refPeriod, RDF.type, QB.DimensionProperty),
        (THB["count"], RDF.type, QB.MeasureProperty),
        (THB.currency, RDF.type, QB.AttributeProperty),
    ],
)
def test_owl_rl_inference_gives_the_standard_view(
    inferred: Graph, subject: URIRef, predicate: URIRef, obj: URIRef
) -> None:
    assert (subject, predicate, obj) in inferred


def test_no_thb_class_is_both_an_activity_and_an_entity(ontology: Graph) -> None:
    both = sorted(
        str(term)
        for term in _thb_terms(ontology)
        if {PROV.Activity, PROV.Entity} <= set(ontology.transitive_objects(term, RDFS.subClassOf))
    )
    assert both == []
    assert (THB.Claim, OWL.disjointWith, PROV.Activity) in ontology
