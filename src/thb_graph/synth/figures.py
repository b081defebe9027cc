"""The figures of one country and year: a victims cube, cases by form of exploitation,
victims by region, an estimate, prosecutions and convictions; and its programmes."""

from __future__ import annotations

import random
from collections.abc import Sequence

from thb_graph.namespaces import PROV as PROV_NS
from thb_graph.namespaces import QB, THB, XSD
from thb_graph.synth.terms import (
    COUNT,
    LABEL,
    ORIGINS,
    SCHEMES,
    SOURCE,
    A,
    Writer,
    ref,
    text,
    typed,
)

#: Every synthetic date is given as such by its (synthetic) source.
STATED = ref("concept/date-basis", "stated")


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    """``parts`` non-negative integers summing to ``total``."""
    cuts = sorted(rng.randint(0, total) for _ in range(parts - 1))
    return [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]


def _observation(
    w: Writer,
    node: str,
    dataset: str,
    label: str,
    period: str,
    area: str,
    count: int,
    src: str,
    reporter: str,
    level: str = "total",
) -> None:
    w.datasets[node] = dataset
    w.add(node, A, f"<{QB.Observation}>")
    w.add(node, f"<{QB.dataSet}>", ref("dataset", dataset))
    w.add(node, LABEL, text(label, "en"))
    w.add(node, f"<{THB.refPeriod}>", period)
    w.add(node, f"<{THB.dateBasis}>", STATED)
    w.add(node, f"<{THB.level}>", ref("concept/observation-levels", level))
    w.add(node, f"<{THB.refArea}>", area)
    w.add(node, COUNT, typed(count, XSD.integer))
    w.add(node, SOURCE, src)
    w.add(node, f"<{PROV_NS.wasAttributedTo}>", reporter)


def figures(
    w: Writer,
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
    period = ref("period", str(year))

    def o(slug: str) -> str:
        return ref("observation", f"{c}-{year}-{slug}")

    w.datasets.clear()
    total = rng.randint(80, 1500)
    head = o("victims")
    what = f"Victims identified in {en} in {year}"
    reporter = orgs["interior"]
    _observation(w, head, "victims-identified", what, period, country, total, src, reporter)
    # a cube: total > region of origin > sex > age group, each cell the sum of its parts
    origins = [(s, e, ref("place", s)) for s, e, _ in ORIGINS]
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
    w.add(estimate, f"<{QB.dataSet}>", ref("dataset", "victims-estimated"))
    w.add(estimate, LABEL, text(f"Estimated victims in {en} in {year}", "en"))
    w.add(estimate, f"<{THB.refPeriod}>", period)
    w.add(estimate, f"<{THB.dateBasis}>", STATED)
    w.add(estimate, f"<{THB.level}>", ref("concept/observation-levels", "total"))
    w.add(estimate, f"<{THB.refArea}>", country)
    w.add(estimate, f"<{THB.countMin}>", typed(low, XSD.integer))
    w.add(estimate, f"<{THB.countMax}>", typed(low + rng.randint(100, 2000), XSD.integer))
    w.add(estimate, f"<{THB.approximate}>", typed("true", XSD.boolean))
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
    w: Writer,
    node: str,
    total: str,
    label: str,
    dims: Sequence[tuple[str, str]],
    period: str,
    area: str,
    count: int,
    src: str,
    reporter: str,
) -> None:
    """A part of a breakdown: the total's data set, period and area, its own dimensions."""
    dataset = w.datasets[total]
    _observation(w, node, dataset, label, period, area, count, src, reporter, "part")
    for prop, value in dims:
        w.add(node, f"<{prop}>", value)
    w.add(node, f"<{THB.partOf}>", total)


def _concepts(scheme: str) -> list[tuple[str, str, str]]:
    return [(slug, en, ref(f"concept/{scheme}", slug)) for slug, en, _ in SCHEMES[scheme]]


def programme(
    w: Writer,
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
    training = ref("measure", f"{c}-training-{year}")
    w.add(training, A, f"<{THB.Training}>")
    w.labels(
        training,
        f"Training of police officers on trafficking, {en} {year}",
        f"Formation des policiers à la traite, {fr} {year}",
    )
    w.add(training, f"<{THB.carriedOutBy}>", orgs["unit"])
    w.add(training, f"<{THB.targetGroup}>", ref("concept/target-groups", "police-officers"))
    w.add(training, f"<{THB.date}>", typed(year, XSD.gYear))
    w.add(training, f"<{THB.dateBasis}>", STATED)
    w.add(training, SOURCE, src)
    figure = ref("observation", f"{c}-{year}-persons-trained")
    _observation(
        w,
        figure,
        "persons-trained",
        f"Police officers trained in {en} in {year}",
        ref("period", str(year)),
        country,
        rng.randint(20, 400),
        src,
        orgs["interior"],
    )
    w.add(training, f"<{THB.hasFigure}>", figure)
    aid = ref("measure", f"{c}-assistance-{year}")
    w.add(aid, A, f"<{THB.AssistanceMeasure}>")
    w.labels(
        aid,
        f"Assistance programme for victims, {en} {year}",
        f"Programme d'aide aux victimes, {fr} {year}",
    )
    w.add(aid, f"<{THB.carriedOutBy}>", orgs["ngo"])
    for support in rng.sample([s for s, _, _ in SCHEMES["support-types"]], 2):
        w.add(aid, f"<{THB.providesSupport}>", ref("concept/support-types", support))
    w.add(aid, f"<{THB.date}>", typed(year, XSD.gYear))
    w.add(aid, f"<{THB.dateBasis}>", STATED)
    w.add(aid, SOURCE, src)
    event = ref("event", f"{c}-adoption-{year}")
    law = rng.choice(laws)
    w.add(event, A, f"<{THB.Event}>")
    w.labels(event, f"Adoption of a law on trafficking in {en}, {year}")
    w.add(event, f"<{THB.adopted}>", law)
    w.add(event, f"<{THB.agent}>", orgs["parliament"])
    w.add(event, f"<{THB.date}>", typed(year, XSD.gYear))
    w.add(event, f"<{THB.dateBasis}>", STATED)
    w.add(event, SOURCE, src)
