"""How values read on a page: numbers, dates, durations and booleans in English or French, and
short names for IRIs outside the graph (ELI, EU authority tables)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from rdflib import Literal

from thb_graph.namespaces import XSD

_MONTHS = {
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    "fr": [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ],
}
_DURATION_UNITS = {
    "en": {"Y": ("year", "years"), "M": ("month", "months"), "W": ("week", "weeks"),
           "D": ("day", "days"), "H": ("hour", "hours")},
    "fr": {"Y": ("an", "ans"), "M": ("mois", "mois"), "W": ("semaine", "semaines"),
           "D": ("jour", "jours"), "H": ("heure", "heures")},
}  # fmt: skip
_BOOLEANS = {"en": ("yes", "no"), "fr": ("oui", "non")}
_DURATION = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?)?$")
_NUMERIC = {
    XSD.integer, XSD.int, XSD.long, XSD.short, XSD.nonNegativeInteger,
    XSD.positiveInteger, XSD.decimal, XSD.double, XSD.float,
}  # fmt: skip

#: Prefixes of well-known IRIs outside the graph, and how to name them.
EXTERNAL_NAMES: tuple[tuple[str, str], ...] = (
    ("http://publications.europa.eu/resource/authority/", "EU authority table"),
    ("http://data.europa.eu/eli/", "ELI"),
    ("http://www.wikidata.org/entity/", "Wikidata"),
)


def _lang(lang: str) -> str:
    return lang if lang in _MONTHS else "en"


def to_decimal(literal: Literal) -> Decimal | None:
    """The number a literal holds, or None when it holds none."""
    try:
        return Decimal(str(literal).strip())
    except InvalidOperation:
        return None


def format_number(value: Decimal | int | float, lang: str) -> str:
    """1661265 -> '1,661,265' (en) or '1 661 265' (fr); decimals keep their digits."""
    number = Decimal(str(value))
    whole = number == number.to_integral_value()
    text = f"{int(number):,}" if whole else f"{number:,f}"
    if _lang(lang) == "fr":
        text = text.replace(",", "\u202f").replace(".", ",")
    return text


def format_date(lexical: str, lang: str) -> str:
    """'2003-03-18' -> '18 March 2003'; '2008-12' -> 'December 2008'; '2003' stays."""
    months = _MONTHS[_lang(lang)]
    match = re.fullmatch(r"(-?\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:Z|[+-]\d{2}:\d{2})?", lexical)
    if not match:
        return lexical
    year, month, day = match.groups()
    if month and 1 <= int(month) <= 12:
        name = months[int(month) - 1]
        if day:
            return f"{int(day)} {name} {year}"
        return f"{name} {year}"
    return year


def format_duration(lexical: str, lang: str) -> str:
    """'P6M' -> '6 months' / '6 mois'; 'P1Y6M' -> '1 year 6 months'."""
    match = _DURATION.match(lexical)
    if not match or not any(match.groups()):
        return lexical
    units = _DURATION_UNITS[_lang(lang)]
    parts = []
    for amount, key in zip(match.groups(), "YMWDH", strict=True):
        if amount:
            singular, plural = units[key]
            parts.append(f"{int(amount)} {singular if int(amount) == 1 else plural}")
    return " ".join(parts)


_EVERY = {
    "en": {"P1D": "daily", "P1W": "weekly", "P1M": "monthly", "P1Y": "yearly"},
    "fr": {
        "P1D": "chaque jour",
        "P1W": "chaque semaine",
        "P1M": "chaque mois",
        "P1Y": "chaque année",
    },
}


def format_frequency(lexical: str, lang: str) -> str:
    """'P1M' -> 'monthly' / 'chaque mois'; 'P6M' -> 'every 6 months' / 'tous les 6 mois'."""
    code = _lang(lang)
    named = _EVERY[code].get(lexical.strip())
    if named:
        return named
    span = format_duration(lexical, lang)
    if span == lexical:
        return lexical
    return f"every {span}" if code == "en" else f"tous les {span}"


def format_literal(literal: Literal, lang: str) -> str:
    """A literal as a reader expects it: numbers grouped, dates spelled, durations in words."""
    datatype = literal.datatype
    lexical = str(literal)
    if datatype in _NUMERIC:
        number = to_decimal(literal)
        return lexical if number is None else format_number(number, lang)
    if datatype in (XSD.date, XSD.gYearMonth, XSD.gYear, XSD.dateTime):
        return format_date(lexical[:10], lang)
    if datatype in (XSD.duration, XSD.dayTimeDuration, XSD.yearMonthDuration):
        return format_duration(lexical, lang)
    if datatype == XSD.boolean:
        yes, no = _BOOLEANS[_lang(lang)]
        return yes if lexical.strip() in ("true", "1") else no
    return lexical


def date_sort_key(lexical: str) -> str:
    """A key that sorts ISO dates, year-months and years in time order."""
    return lexical.strip()[:10]


def external_name(iri: str) -> str:
    """A short name for an IRI outside the graph: 'EU authority table: country/FRA'."""
    for prefix, name in EXTERNAL_NAMES:
        if iri.startswith(prefix) and "#" not in iri:
            return f"{name}: {iri[len(prefix) :]}"
    return iri
