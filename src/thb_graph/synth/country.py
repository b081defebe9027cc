"""The synthetic world: shared schemes, periods and data sets, then one country at a time
(places, actors with their hierarchies, legislation, and its years of figures)."""

from __future__ import annotations

import random
from collections.abc import Iterator

from thb_graph.namespaces import DCTERMS, ELI, ORG, QB, SKOS, THB, TIME, XSD
from thb_graph.synth.figures import figures, programme
from thb_graph.synth.terms import (
    DATASETS,
    EU_COUNTRY,
    LABEL,
    NOTATIONS,
    ORIGINS,
    SCHEMES,
    SOURCE,
    SUB_ORG,
    TITLE,
    YEARS,
    A,
    Writer,
    ref,
    text,
    typed,
)


# ---- what every country shares --------------------------------------------------------
def world(w: Writer) -> None:
    src = ref("source", "synthetic-benchmark-corpus")
    w.add(src, A, f"<{THB.SourceDocument}>")
    w.labels(src, "Synthetic benchmark corpus", "Corpus synthétique de test")
    w.add(src, f"<{DCTERMS.title}>", text("Synthetic benchmark corpus (not real data)", "en"))
    for scheme, concepts in SCHEMES.items():
        s = ref("scheme", scheme)
        w.add(s, A, f"<{SKOS.ConceptScheme}>")
        w.add(s, LABEL, text(scheme.replace("-", " "), "en"))
        for slug, en, fr in concepts:
            c = ref(f"concept/{scheme}", slug)
            w.add(c, A, f"<{SKOS.Concept}>")
            w.add(c, f"<{SKOS.prefLabel}>", text(en, "en"))
            w.add(c, f"<{SKOS.prefLabel}>", text(fr, "fr"))
            w.add(c, f"<{SKOS.inScheme}>", s)
            w.add(c, f"<{SKOS.topConceptOf}>", s)
            if slug in NOTATIONS.get(scheme, ()):
                w.add(c, f"<{SKOS.notation}>", text(slug))
    for slug, en, fr in ORIGINS:
        r = ref("place", slug)
        w.add(r, A, f"<{THB.Region}>")
        w.labels(r, en, fr)
        w.add(r, SOURCE, src)
    for slug, en, fr in [("co-chair", "co-chair", "coprésident"), ("member", "member", "membre")]:
        role = ref("role", slug)
        w.add(role, A, f"<{ORG.Role}>")
        w.labels(role, en, fr)
    dsd = ref("dsd", "count-by-period-and-area")
    w.add(dsd, A, f"<{QB.DataStructureDefinition}>")
    w.labels(dsd, "Count by reference period and area")
    for i, (kind, prop) in enumerate(
        [("dimension", THB.refPeriod), ("dimension", THB.refArea), ("measure", THB["count"])]
    ):
        comp = f"_:dsdc{i}"
        w.add(dsd, f"<{QB.component}>", comp)
        w.add(comp, f"<{QB[kind]}>", f"<{prop}>")
    for slug, en, unit in DATASETS:
        d = ref("dataset", slug)
        w.add(d, A, f"<{QB.DataSet}>")
        w.labels(d, en)
        w.add(d, f"<{QB.structure}>", dsd)
        w.add(d, f"<{THB.statisticalUnit}>", ref("concept/statistical-units", unit))
    for year in YEARS:
        p = ref("period", str(year))
        w.add(p, A, f"<{TIME.ProperInterval}>")
        w.labels(p, str(year))
        w.add(p, f"<{THB.year}>", typed(year, XSD.gYear))
        w.add(p, f"<{TIME.hasXSDDuration}>", typed("P1Y", XSD.duration))
        w.add(p, f"<{THB.begin}>", typed(f"{year}-01-01", XSD.date))
        w.add(p, f"<{THB.end}>", typed(f"{year}-12-31", XSD.date))
        w.add(p, f"<{THB.precision}>", ref("concept/date-precision", "year"))
        for end, day in (("hasBeginning", f"{year}-01-01"), ("hasEnd", f"{year}-12-31")):
            instant = ref("period", day)
            w.add(p, f"<{TIME[end]}>", instant)
            w.add(instant, A, f"<{TIME.Instant}>")
            w.labels(instant, day)
            w.add(instant, f"<{TIME.inXSDDate}>", typed(day, XSD.date))
            w.add(instant, f"<{THB.begin}>", typed(day, XSD.date))
            w.add(instant, f"<{THB.end}>", typed(day, XSD.date))
            w.add(instant, f"<{THB.precision}>", ref("concept/date-precision", "day"))


# ---- one country ------------------------------------------------------------------------
def country(w: Writer, rng: random.Random, n: int, name: tuple[str, str]) -> Iterator[None]:
    """Write one country in whole groups, yielding after each so the caller can stop."""
    en, fr = name
    c = f"c{n}"
    country = ref("place", c)
    src = ref("source", f"{c}-national-report")
    w.add(src, A, f"<{THB.SourceDocument}>")
    w.labels(
        src,
        f"National report on trafficking in human beings, {en}",
        f"Rapport national sur la traite des êtres humains, {fr}",
    )
    w.add(src, f"<{DCTERMS.title}>", text(f"National report on trafficking, {en}", "en"))
    w.add(country, A, f"<{THB.Country}>")
    w.labels(country, en, fr)
    code = f"Q{chr(77 + n // 26 % 14)}{chr(65 + n % 26)}"
    w.add(country, f"<{SKOS.exactMatch}>", f"<{EU_COUNTRY}{code}>")
    w.add(country, SOURCE, src)
    regions = []
    for r in range(5):
        region = ref("place", f"{c}-region-{r + 1}")
        regions.append(region)
        w.add(region, A, f"<{THB.Region}>")
        w.labels(region, f"{en} region {r + 1}", f"{fr}, région {r + 1}")
        w.add(region, f"<{THB.locatedIn}>", country)
        w.add(region, SOURCE, src)
    yield
    orgs = _actors(w, rng, c, en, fr, country, src)
    yield
    laws = _legislation(w, rng, c, en, fr, orgs, src)
    yield
    for year in YEARS:
        figures(w, rng, c, en, year, country, regions, orgs, src)
        if year % 4 == 0:
            programme(w, rng, c, en, fr, year, country, orgs, laws, src)
        yield


def _org(
    w: Writer, iri: str, cls: str, en: str, fr: str, parent: str | None, country: str, src: str
) -> str:
    w.add(iri, A, f"<{cls}>")
    w.labels(iri, en, fr)
    w.add(iri, f"<{THB.jurisdiction}>", country)
    if parent:
        w.add(iri, SUB_ORG, parent)
    w.add(iri, SOURCE, src)
    return iri


def _actors(
    w: Writer, rng: random.Random, c: str, en: str, fr: str, country: str, src: str
) -> dict[str, str]:
    """Government, ministries, a deep police hierarchy, NGOs and a working group."""

    def a(slug: str) -> str:
        return ref("actor", f"{c}-{slug}")

    gov = _org(
        w,
        a("government"),
        THB.Government,
        f"Government of {en}",
        f"Gouvernement de {fr}",
        None,
        country,
        src,
    )
    orgs = {"government": gov}
    for slug, m_en, m_fr in [
        ("interior", "Ministry of the Interior", "Ministère de l'Intérieur"),
        ("justice", "Ministry of Justice", "Ministère de la Justice"),
        ("labour", "Ministry of Labour", "Ministère du Travail"),
    ]:
        orgs[slug] = _org(
            w,
            a(f"ministry-of-{slug}"),
            THB.Ministry,
            f"{m_en} of {en}",
            f"{m_fr} de {fr}",
            gov,
            country,
            src,
        )
    orgs["parliament"] = _org(
        w,
        a("parliament"),
        THB.Parliament,
        f"Parliament of {en}",
        f"Parlement de {fr}",
        None,
        country,
        src,
    )
    # directorate > office > unit > section > team: five levels under the ministry
    levels = [
        (THB.PoliceDirectorate, "directorate", "direction"),
        (THB.PoliceOffice, "office", "office"),
        (THB.SpecialisedUnit, "unit", "unité"),
        (THB.SpecialisedUnit, "section", "section"),
        (THB.SpecialisedUnit, "team", "équipe"),
    ]
    frontier = [(orgs["interior"], "")]
    for depth, (cls, word_en, word_fr) in enumerate(levels):
        nxt = []
        for parent, path in frontier:
            for k in range(2 if depth < 3 else 1):
                sub = f"{path}{k + 1}"
                iri = _org(
                    w,
                    a(f"police-{word_en}-{sub}"),
                    cls,
                    f"Police {word_en} {sub} of {en}",
                    f"{word_fr} de police {sub}, {fr}",
                    parent,
                    country,
                    src,
                )
                nxt.append((iri, f"{sub}-"))
        frontier = nxt
    orgs["unit"] = frontier[0][0]
    ngos = [
        _org(
            w,
            a(f"ngo-{k + 1}"),
            THB.NGO,
            f"Victim support association {k + 1} of {en}",
            f"Association d'aide aux victimes {k + 1}, {fr}",
            None,
            country,
            src,
        )
        for k in range(3)
    ]
    w.add(ngos[0], f"<{THB.partner}>", ngos[1])
    orgs["ngo"] = ngos[0]
    group = _org(
        w,
        a("working-group"),
        THB.WorkingGroup,
        f"Inter-ministerial working group on trafficking, {en}",
        f"Groupe de travail interministériel sur la traite, {fr}",
        None,
        country,
        src,
    )
    for member, role in [
        (orgs["interior"], "co-chair"),
        (orgs["justice"], "co-chair"),
        (orgs["labour"], "member"),
        (ngos[0], "member"),
    ]:
        m = ref("membership", f"{c}-working-group-{member.rsplit('/', 1)[1][:-1]}")
        w.add(m, A, f"<{ORG.Membership}>")
        w.labels(m, f"{role} of the working group of {en}")
        w.add(m, f"<{ORG.member}>", member)
        w.add(m, f"<{ORG.organization}>", group)
        w.add(m, f"<{ORG.role}>", ref("role", role))
        w.add(m, SOURCE, src)
        if role == "co-chair":
            w.add(group, f"<{THB.coChairedBy}>", member)
    for k, task_en in enumerate(["draw up a national action plan", "coordinate victim referral"]):
        t = ref("task", f"{c}-working-group-{k + 1}")
        w.add(t, A, f"<{THB.Task}>")
        w.labels(t, task_en)
        w.add(t, f"<{THB.order}>", typed(k + 1, XSD.integer))
        w.add(t, SOURCE, src)
        w.add(group, f"<{THB.hasTask}>", t)
    return orgs


def _legislation(
    w: Writer, rng: random.Random, c: str, en: str, fr: str, orgs: dict[str, str], src: str
) -> list[str]:
    """A criminal code with articles, the laws that amended them, offences and a bill."""
    code = ref("legal", f"{c}-criminal-code")
    w.add(code, A, f"<{THB.Code}>")
    w.labels(code, f"Criminal Code of {en}", f"Code pénal de {fr}")
    w.add(code, TITLE, text(f"Criminal Code of {en}", "en"))
    w.add(code, f"<{ELI.date_document}>", typed("1994-03-01", XSD.date))
    w.add(code, SOURCE, src)
    offence = ref("offence", f"{c}-trafficking-in-human-beings")
    w.add(offence, A, f"<{THB.Offence}>")
    w.labels(offence, f"Trafficking in human beings ({en})", f"Traite des êtres humains ({fr})")
    w.add(offence, SOURCE, src)
    laws = []
    for k in range(6):
        art = ref("legal", f"{c}-criminal-code-article-{k + 1}")
        w.add(art, A, f"<{THB.Article}>")
        w.labels(
            art,
            f"Article {k + 1} of the Criminal Code of {en}",
            f"Article {k + 1} du Code pénal de {fr}",
        )
        w.add(art, TITLE, text(f"Article {k + 1}", "en"))
        w.add(art, f"<{ELI.is_part_of}>", code)
        w.add(art, f"<{ELI.id_local}>", text(f"225-{k + 1}"))
        w.add(art, SOURCE, src)
        for j in range(rng.randint(1, 3)):
            year = 2000 + 4 * j + rng.randint(0, 3)
            law = ref("legal", f"{c}-law-{k + 1}-{j + 1}")
            w.add(law, A, f"<{THB.Amendment}>")
            w.labels(law, f"Law {year}-{k + 1}{j + 1} of {en} amending article {k + 1}")
            w.add(law, TITLE, text(f"Law of {year} amending article {k + 1}", "en"))
            w.add(law, f"<{ELI.date_document}>", typed(f"{year}-0{j + 1}-15", XSD.date))
            w.add(law, f"<{ELI.amends}>", art)
            w.add(law, f"<{ELI.passed_by}>", orgs["parliament"])
            w.add(law, f"<{THB.definesOffence}>", offence)
            w.add(law, SOURCE, src)
            laws.append(law)
    bill = ref("legal", f"{c}-bill-on-trafficking")
    w.add(bill, A, f"<{THB.Bill}>")
    w.labels(bill, f"Bill on trafficking in human beings of {en}")
    w.add(bill, TITLE, text(f"Bill on trafficking in human beings, {en}", "en"))
    w.add(
        bill,
        f"<{THB.legislativeStatus}>",
        ref("concept/legislative-status", "under-consideration"),
    )
    w.add(bill, f"<{THB.preparedBy}>", orgs["justice"])
    w.add(bill, SOURCE, src)
    return laws
