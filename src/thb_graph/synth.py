"""Synthetic THB data at any size, for benchmarks only.

``write_synthetic(out, triples=N, seed=S)`` streams N-Triples describing imaginary countries
with the real ontology and the patterns of docs/model.md: governments with deep unit
hierarchies, working groups with memberships and tasks, codes with articles, laws and their
amendments, offences, victim figures per year with breakdowns (region of origin, form of
exploitation, sex, age group) whose parts sum to their totals, estimates as ranges,
prosecutions and convictions, trainings and assistance programmes, dated events, source
documents, and labels in English and French.

Everything lives under its own namespace (``https://w3id.org/thb-graph/synthetic/``), in
countries that do not exist (EU country codes of the user-assigned Q range), so it can never
be mistaken for, or mixed into, the real data; load it into its own named graph. The output
for a given size and seed is always the same. It stops after the first whole group of
statements that reaches the requested size.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from thb_graph.errors import ConfigError
from thb_graph.namespaces import DCTERMS, ELI, ORG, QB, RDF, RDFS, SKOS, THB, TIME, XSD
from thb_graph.namespaces import PROV as PROV_NS

#: The namespace of every synthetic entity (``{SYNTH_NAMESPACE}id/{kind}/{slug}``).
SYNTH_NAMESPACE = "https://w3id.org/thb-graph/synthetic/"
ID = SYNTH_NAMESPACE + "id/"
EU_COUNTRY = "http://publications.europa.eu/resource/authority/country/"
YEARS = range(2008, 2024)

A = f"<{RDF.type}>"
LABEL = f"<{RDFS.label}>"
SOURCE = f"<{DCTERMS.source}>"
SUB_ORG = f"<{ORG.subOrganizationOf}>"
COUNT = f"<{THB['count']}>"  # (THB.count would be str.count)
TITLE = f"<{ELI['title']}>"

_SYLLABLES = [
    "al",
    "bor",
    "cas",
    "dor",
    "el",
    "far",
    "gan",
    "hel",
    "is",
    "jor",
    "kal",
    "lor",
    "mar",
    "nor",
    "os",
    "pel",
    "quin",
    "ros",
    "sel",
    "tor",
    "ul",
    "var",
    "wen",
    "zan",
]
#: (slug, English, French) of each scheme's concepts.
SCHEMES: dict[str, list[tuple[str, str, str]]] = {
    "exploitation-forms": [
        ("sexual-exploitation", "sexual exploitation", "exploitation sexuelle"),
        ("labour-exploitation", "labour exploitation", "exploitation par le travail"),
        ("domestic-servitude", "domestic servitude", "servitude domestique"),
        ("forced-begging", "forced begging", "mendicité forcée"),
        ("forced-criminality", "forced criminality", "criminalité forcée"),
    ],
    "sex": [("female", "female", "féminin"), ("male", "male", "masculin")],
    "age-groups": [("children", "children", "enfants"), ("adults", "adults", "adultes")],
    "statistical-units": [
        ("victims", "victims", "victimes"),
        ("prosecutions", "prosecutions", "poursuites"),
        ("convictions", "convictions", "condamnations"),
        ("persons", "persons", "personnes"),
        ("cases", "cases", "affaires"),
    ],
    "target-groups": [
        ("police-officers", "police officers", "policiers"),
        ("prosecutors", "prosecutors", "procureurs"),
        ("labour-inspectors", "labour inspectors", "inspecteurs du travail"),
    ],
    "support-types": [
        ("shelter", "shelter", "hébergement"),
        ("legal-counsel", "legal counsel", "conseil juridique"),
        ("medical-care", "medical care", "soins médicaux"),
    ],
    "legislative-status": [
        ("under-consideration", "under consideration", "en cours d'examen"),
        ("adopted", "adopted", "adopté"),
    ],
}
ORIGINS = [
    ("west-africa", "West Africa", "Afrique de l'Ouest"),
    ("eastern-europe", "Eastern Europe", "Europe de l'Est"),
    ("south-east-asia", "South-East Asia", "Asie du Sud-Est"),
    ("south-america", "South America", "Amérique du Sud"),
    ("domestic", "Domestic victims", "Victimes nationales"),
]
DATASETS = [
    ("victims-identified", "Trafficking victims identified", "victims"),
    ("victims-estimated", "Estimated number of trafficking victims", "victims"),
    ("prosecutions", "Prosecutions for trafficking", "prosecutions"),
    ("convictions", "Convictions for trafficking", "convictions"),
    ("cases-investigated", "Trafficking cases investigated", "cases"),
    ("persons-trained", "Persons trained on trafficking", "persons"),
]


def synth_graph(base_iri: str = "https://w3id.org/thb-graph/") -> str:
    """The named graph synthetic data is meant to be loaded into."""
    return f"{base_iri}graph/synthetic"


def _iri(kind: str, slug: str) -> str:
    return f"<{ID}{kind}/{slug}>"


def _text(value: str, lang: str | None = None) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"@{lang}' if lang else f'"{escaped}"'


def _typed(value: object, datatype: str) -> str:
    return f'"{value}"^^<{datatype}>'


class _Writer:
    """Buffers N-Triples lines and counts them."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.count = 0
        self._lines: list[str] = []
        #: The data set of each observation of the current year, for its parts.
        self.datasets: dict[str, str] = {}

    def add(self, s: str, p: str, o: str) -> None:
        self._lines.append(f"{s} {p} {o} .\n")
        self.count += 1
        if len(self._lines) >= 10_000:
            self.flush()

    def labels(self, s: str, en: str, fr: str | None = None) -> None:
        self.add(s, LABEL, _text(en, "en"))
        if fr:
            self.add(s, LABEL, _text(fr, "fr"))

    def flush(self) -> None:
        self.out.write("".join(self._lines))
        self._lines.clear()


def write_synthetic(out: TextIO, *, triples: int, seed: int = 1) -> int:
    """Write at least ``triples`` synthetic triples to ``out`` as N-Triples; the count written."""
    w = _Writer(out)
    rng = random.Random(seed)  # noqa: S311 - reproducible benchmark data, not secrets
    _world(w)
    for n, name in enumerate(_country_names(rng)):
        if w.count >= triples:
            break
        for _ in _country(w, rng, n, name):
            if w.count >= triples:
                break
    w.flush()
    return w.count


def write_synthetic_file(path: str | Path, *, triples: int, seed: int = 1) -> int:
    """Write the synthetic data to the file ``path`` (N-Triples); the triple count written."""
    try:
        with open(path, "w", encoding="utf-8", newline="\n") as out:
            return write_synthetic(out, triples=triples, seed=seed)
    except OSError as e:
        raise ConfigError(f"cannot write {path}: {e.strerror or e}") from e


def _country_names(rng: random.Random) -> Iterator[tuple[str, str]]:
    """Endless (English, French) names of imaginary countries."""
    n = 0
    while True:
        stem = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
        n += 1
        yield f"{stem}ia", f"{stem}ie"


# ---- what every country shares --------------------------------------------------------
def _world(w: _Writer) -> None:
    src = _iri("source", "synthetic-benchmark-corpus")
    w.add(src, A, f"<{THB.SourceDocument}>")
    w.labels(src, "Synthetic benchmark corpus", "Corpus synthétique de test")
    w.add(src, f"<{DCTERMS.title}>", _text("Synthetic benchmark corpus (not real data)", "en"))
    for scheme, concepts in SCHEMES.items():
        s = _iri("scheme", scheme)
        w.add(s, A, f"<{SKOS.ConceptScheme}>")
        w.add(s, LABEL, _text(scheme.replace("-", " "), "en"))
        for slug, en, fr in concepts:
            c = _iri(f"concept/{scheme}", slug)
            w.add(c, A, f"<{SKOS.Concept}>")
            w.add(c, f"<{SKOS.prefLabel}>", _text(en, "en"))
            w.add(c, f"<{SKOS.prefLabel}>", _text(fr, "fr"))
            w.add(c, f"<{SKOS.inScheme}>", s)
            w.add(c, f"<{SKOS.topConceptOf}>", s)
    for slug, en, fr in ORIGINS:
        r = _iri("place", slug)
        w.add(r, A, f"<{THB.Region}>")
        w.labels(r, en, fr)
        w.add(r, SOURCE, src)
    for slug, en, fr in [("co-chair", "co-chair", "coprésident"), ("member", "member", "membre")]:
        role = _iri("role", slug)
        w.add(role, A, f"<{ORG.Role}>")
        w.labels(role, en, fr)
    dsd = _iri("dsd", "count-by-period-and-area")
    w.add(dsd, A, f"<{QB.DataStructureDefinition}>")
    w.labels(dsd, "Count by reference period and area")
    for i, (kind, prop) in enumerate(
        [("dimension", THB.refPeriod), ("dimension", THB.refArea), ("measure", THB["count"])]
    ):
        comp = f"_:dsdc{i}"
        w.add(dsd, f"<{QB.component}>", comp)
        w.add(comp, f"<{QB[kind]}>", f"<{prop}>")
    for slug, en, unit in DATASETS:
        d = _iri("dataset", slug)
        w.add(d, A, f"<{QB.DataSet}>")
        w.labels(d, en)
        w.add(d, f"<{QB.structure}>", dsd)
        w.add(d, f"<{THB.statisticalUnit}>", _iri("concept/statistical-units", unit))
    for year in YEARS:
        p = _iri("period", str(year))
        w.add(p, A, f"<{TIME.ProperInterval}>")
        w.labels(p, str(year))
        w.add(p, f"<{THB.year}>", _typed(year, XSD.gYear))
        w.add(p, f"<{TIME.hasXSDDuration}>", _typed("P1Y", XSD.duration))
        for end, day in (("hasBeginning", f"{year}-01-01"), ("hasEnd", f"{year}-12-31")):
            instant = _iri("period", day)
            w.add(p, f"<{TIME[end]}>", instant)
            w.add(instant, A, f"<{TIME.Instant}>")
            w.labels(instant, day)
            w.add(instant, f"<{TIME.inXSDDate}>", _typed(day, XSD.date))


# ---- one country ------------------------------------------------------------------------
def _country(w: _Writer, rng: random.Random, n: int, name: tuple[str, str]) -> Iterator[None]:
    """Write one country in whole groups, yielding after each so the caller can stop."""
    en, fr = name
    c = f"c{n}"
    country = _iri("place", c)
    src = _iri("source", f"{c}-national-report")
    w.add(src, A, f"<{THB.SourceDocument}>")
    w.labels(
        src,
        f"National report on trafficking in human beings, {en}",
        f"Rapport national sur la traite des êtres humains, {fr}",
    )
    w.add(src, f"<{DCTERMS.title}>", _text(f"National report on trafficking, {en}", "en"))
    w.add(country, A, f"<{THB.Country}>")
    w.labels(country, en, fr)
    code = f"Q{chr(77 + n // 26 % 14)}{chr(65 + n % 26)}"
    w.add(country, f"<{SKOS.exactMatch}>", f"<{EU_COUNTRY}{code}>")
    w.add(country, SOURCE, src)
    regions = []
    for r in range(5):
        region = _iri("place", f"{c}-region-{r + 1}")
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
        _figures(w, rng, c, en, year, country, regions, orgs, src)
        if year % 4 == 0:
            _programme(w, rng, c, en, fr, year, country, orgs, laws, src)
        yield


def _org(
    w: _Writer, iri: str, cls: str, en: str, fr: str, parent: str | None, country: str, src: str
) -> str:
    w.add(iri, A, f"<{cls}>")
    w.labels(iri, en, fr)
    w.add(iri, f"<{THB.jurisdiction}>", country)
    if parent:
        w.add(iri, SUB_ORG, parent)
    w.add(iri, SOURCE, src)
    return iri


def _actors(
    w: _Writer, rng: random.Random, c: str, en: str, fr: str, country: str, src: str
) -> dict[str, str]:
    """Government, ministries, a deep police hierarchy, NGOs and a working group."""
    a = lambda slug: _iri("actor", f"{c}-{slug}")  # noqa: E731 - a short local helper
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
        m = _iri("membership", f"{c}-working-group-{member.rsplit('/', 1)[1][:-1]}")
        w.add(m, A, f"<{ORG.Membership}>")
        w.labels(m, f"{role} of the working group of {en}")
        w.add(m, f"<{ORG.member}>", member)
        w.add(m, f"<{ORG.organization}>", group)
        w.add(m, f"<{ORG.role}>", _iri("role", role))
        w.add(m, SOURCE, src)
        if role == "co-chair":
            w.add(group, f"<{THB.coChairedBy}>", member)
    for k, task_en in enumerate(["draw up a national action plan", "coordinate victim referral"]):
        t = _iri("task", f"{c}-working-group-{k + 1}")
        w.add(t, A, f"<{THB.Task}>")
        w.labels(t, task_en)
        w.add(t, f"<{THB.order}>", _typed(k + 1, XSD.integer))
        w.add(t, SOURCE, src)
        w.add(group, f"<{THB.hasTask}>", t)
    return orgs


def _legislation(
    w: _Writer, rng: random.Random, c: str, en: str, fr: str, orgs: dict[str, str], src: str
) -> list[str]:
    """A criminal code with articles, the laws that amended them, offences and a bill."""
    code = _iri("legal", f"{c}-criminal-code")
    w.add(code, A, f"<{THB.Code}>")
    w.labels(code, f"Criminal Code of {en}", f"Code pénal de {fr}")
    w.add(code, TITLE, _text(f"Criminal Code of {en}", "en"))
    w.add(code, f"<{ELI.date_document}>", _typed("1994-03-01", XSD.date))
    w.add(code, SOURCE, src)
    offence = _iri("offence", f"{c}-trafficking-in-human-beings")
    w.add(offence, A, f"<{THB.Offence}>")
    w.labels(offence, f"Trafficking in human beings ({en})", f"Traite des êtres humains ({fr})")
    w.add(offence, SOURCE, src)
    laws = []
    for k in range(6):
        art = _iri("legal", f"{c}-criminal-code-article-{k + 1}")
        w.add(art, A, f"<{THB.Article}>")
        w.labels(
            art,
            f"Article {k + 1} of the Criminal Code of {en}",
            f"Article {k + 1} du Code pénal de {fr}",
        )
        w.add(art, TITLE, _text(f"Article {k + 1}", "en"))
        w.add(art, f"<{ELI.is_part_of}>", code)
        w.add(art, f"<{ELI.id_local}>", _text(f"225-{k + 1}"))
        w.add(art, SOURCE, src)
        for j in range(rng.randint(1, 3)):
            year = 2000 + 4 * j + rng.randint(0, 3)
            law = _iri("legal", f"{c}-law-{k + 1}-{j + 1}")
            w.add(law, A, f"<{THB.Amendment}>")
            w.labels(law, f"Law {year}-{k + 1}{j + 1} of {en} amending article {k + 1}")
            w.add(law, TITLE, _text(f"Law of {year} amending article {k + 1}", "en"))
            w.add(law, f"<{ELI.date_document}>", _typed(f"{year}-0{j + 1}-15", XSD.date))
            w.add(law, f"<{ELI.amends}>", art)
            w.add(law, f"<{ELI.passed_by}>", orgs["parliament"])
            w.add(law, f"<{THB.definesOffence}>", offence)
            w.add(law, SOURCE, src)
            laws.append(law)
    bill = _iri("legal", f"{c}-bill-on-trafficking")
    w.add(bill, A, f"<{THB.Bill}>")
    w.labels(bill, f"Bill on trafficking in human beings of {en}")
    w.add(bill, TITLE, _text(f"Bill on trafficking in human beings, {en}", "en"))
    w.add(
        bill,
        f"<{THB.legislativeStatus}>",
        _iri("concept/legislative-status", "under-consideration"),
    )
    w.add(bill, f"<{THB.preparedBy}>", orgs["justice"])
    w.add(bill, SOURCE, src)
    return laws


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    """``parts`` non-negative integers summing to ``total``."""
    cuts = sorted(rng.randint(0, total) for _ in range(parts - 1))
    return [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]


def _observation(
    w: _Writer,
    iri: str,
    dataset: str,
    label: str,
    period: str,
    area: str,
    count: int,
    src: str,
    reporter: str,
) -> None:
    w.datasets[iri] = dataset
    w.add(iri, A, f"<{QB.Observation}>")
    w.add(iri, f"<{QB.dataSet}>", _iri("dataset", dataset))
    w.add(iri, LABEL, _text(label, "en"))
    w.add(iri, f"<{THB.refPeriod}>", period)
    w.add(iri, f"<{THB.refArea}>", area)
    w.add(iri, COUNT, _typed(count, XSD.integer))
    w.add(iri, SOURCE, src)
    w.add(iri, f"<{PROV_NS.wasAttributedTo}>", reporter)


def _figures(
    w: _Writer,
    rng: random.Random,
    c: str,
    en: str,
    year: int,
    country: str,
    regions: list[str],
    orgs: dict[str, str],
    src: str,
) -> None:
    """One year of figures: victims as a cube, cases by form of exploitation, victims by
    region, an estimate as a range, prosecutions and convictions."""
    period = _iri("period", str(year))
    o = lambda slug: _iri("observation", f"{c}-{year}-{slug}")  # noqa: E731
    w.datasets.clear()
    total = rng.randint(80, 1500)
    head = o("victims")
    what = f"Victims identified in {en} in {year}"
    reporter = orgs["interior"]
    _observation(w, head, "victims-identified", what, period, country, total, src, reporter)
    # a cube: total > region of origin > sex > age group, each cell the sum of its parts
    origins = [(s, e, _iri("place", s)) for s, e, _ in ORIGINS]
    for (o_slug, o_en, origin), o_count in zip(origins, _split(rng, total, 5), strict=True):
        cell = o(f"victims-{o_slug}")
        dims = [(THB.originRegion, origin)]
        _part(w, cell, head, f"{what}, from {o_en}", dims, period, country, o_count, src, reporter)
        for (s_slug, s_en, sex), s_count in zip(
            _concepts("sex"), _split(rng, o_count, 2), strict=True
        ):
            s_cell = o(f"victims-{o_slug}-{s_slug}")
            s_dims = [*dims, (THB.sex, sex)]
            _part(
                w,
                s_cell,
                cell,
                f"{what}, from {o_en}, {s_en}",
                s_dims,
                period,
                country,
                s_count,
                src,
                reporter,
            )
            for (a_slug, a_en, age), a_count in zip(
                _concepts("age-groups"), _split(rng, s_count, 2), strict=True
            ):
                _part(
                    w,
                    o(f"victims-{o_slug}-{s_slug}-{a_slug}"),
                    s_cell,
                    f"{what}, from {o_en}, {s_en}, {a_en}",
                    [*s_dims, (THB.ageGroup, age)],
                    period,
                    country,
                    a_count,
                    src,
                    reporter,
                )
    cases = rng.randint(20, 400)
    investigated = o("cases-investigated")
    label = f"Trafficking cases investigated in {en} in {year}"
    _observation(
        w, investigated, "cases-investigated", label, period, country, cases, src, reporter
    )
    forms = _concepts("exploitation-forms")
    for (f_slug, f_en, form), count in zip(forms, _split(rng, cases, len(forms)), strict=True):
        _part(
            w,
            o(f"cases-investigated-{f_slug}"),
            investigated,
            f"{label}: {f_en}",
            [(THB.exploitationForm, form)],
            period,
            country,
            count,
            src,
            reporter,
        )
    for r, region in enumerate(regions):
        _observation(
            w,
            o(f"victims-region-{r + 1}"),
            "victims-identified",
            f"Victims identified in {en} region {r + 1} in {year}",
            period,
            region,
            rng.randint(5, 300),
            src,
            orgs["interior"],
        )
    estimate = o("victims-estimated")
    low = total * rng.randint(3, 6)
    w.add(estimate, A, f"<{QB.Observation}>")
    w.add(estimate, f"<{QB.dataSet}>", _iri("dataset", "victims-estimated"))
    w.add(estimate, LABEL, _text(f"Estimated victims in {en} in {year}", "en"))
    w.add(estimate, f"<{THB.refPeriod}>", period)
    w.add(estimate, f"<{THB.refArea}>", country)
    w.add(estimate, f"<{THB.countMin}>", _typed(low, XSD.integer))
    w.add(estimate, f"<{THB.countMax}>", _typed(low + rng.randint(100, 2000), XSD.integer))
    w.add(estimate, f"<{THB.approximate}>", _typed("true", XSD.boolean))
    w.add(estimate, SOURCE, src)
    prosecutions = rng.randint(10, max(11, total // 3))
    for slug, count in [
        ("prosecutions", prosecutions),
        ("convictions", rng.randint(0, prosecutions)),
    ]:
        _observation(
            w,
            o(slug),
            slug,
            f"{slug.capitalize()} for trafficking in {en} in {year}",
            period,
            country,
            count,
            src,
            orgs["justice"],
        )


def _part(
    w: _Writer,
    iri: str,
    total: str,
    label: str,
    dims: list[tuple[str, str]],
    period: str,
    area: str,
    count: int,
    src: str,
    reporter: str,
) -> None:
    """A part of a breakdown: the total's data set, period and area, its own dimensions."""
    dataset = w.datasets[total]
    _observation(w, iri, dataset, label, period, area, count, src, reporter)
    for prop, value in dims:
        w.add(iri, f"<{prop}>", value)
    w.add(iri, f"<{THB.partOf}>", total)


def _concepts(scheme: str) -> list[tuple[str, str, str]]:
    return [(slug, en, _iri(f"concept/{scheme}", slug)) for slug, en, _ in SCHEMES[scheme]]


def _programme(
    w: _Writer,
    rng: random.Random,
    c: str,
    en: str,
    fr: str,
    year: int,
    country: str,
    orgs: dict[str, str],
    laws: list[str],
    src: str,
) -> None:
    """A training with its figure, an assistance programme and the event of a law."""
    training = _iri("measure", f"{c}-training-{year}")
    w.add(training, A, f"<{THB.Training}>")
    w.labels(
        training,
        f"Training of police officers on trafficking, {en} {year}",
        f"Formation des policiers à la traite, {fr} {year}",
    )
    w.add(training, f"<{THB.carriedOutBy}>", orgs["unit"])
    w.add(training, f"<{THB.targetGroup}>", _iri("concept/target-groups", "police-officers"))
    w.add(training, f"<{THB.date}>", _typed(year, XSD.gYear))
    w.add(training, SOURCE, src)
    figure = _iri("observation", f"{c}-{year}-persons-trained")
    _observation(
        w,
        figure,
        "persons-trained",
        f"Police officers trained in {en} in {year}",
        _iri("period", str(year)),
        country,
        rng.randint(20, 400),
        src,
        orgs["interior"],
    )
    w.add(training, f"<{THB.hasFigure}>", figure)
    aid = _iri("measure", f"{c}-assistance-{year}")
    w.add(aid, A, f"<{THB.AssistanceMeasure}>")
    w.labels(
        aid,
        f"Assistance programme for victims, {en} {year}",
        f"Programme d'aide aux victimes, {fr} {year}",
    )
    w.add(aid, f"<{THB.carriedOutBy}>", orgs["ngo"])
    for support in rng.sample([s for s, _, _ in SCHEMES["support-types"]], 2):
        w.add(aid, f"<{THB.providesSupport}>", _iri("concept/support-types", support))
    w.add(aid, f"<{THB.date}>", _typed(year, XSD.gYear))
    w.add(aid, SOURCE, src)
    event = _iri("event", f"{c}-adoption-{year}")
    law = rng.choice(laws)
    w.add(event, A, f"<{THB.Event}>")
    w.labels(event, f"Adoption of a law on trafficking in {en}, {year}")
    w.add(event, f"<{THB.adopted}>", law)
    w.add(event, f"<{THB.agent}>", orgs["parliament"])
    w.add(event, f"<{THB.date}>", _typed(year, XSD.gYear))
    w.add(event, SOURCE, src)


__all__ = ["SYNTH_NAMESPACE", "synth_graph", "write_synthetic", "write_synthetic_file"]
