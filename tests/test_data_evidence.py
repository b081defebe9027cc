"""The data holds the facts of its source and nothing else.

Every ``thb:evidence`` quote of ``data/*.ttl`` occurs verbatim in the source text
(``sources/france-country-profile.txt``), and every sentence and bullet item of the source is
covered by the evidence quotes of the data: at least 80 % of its content words, and every one
of its figures, lie inside a quote. Only whitespace and typographic quotes and apostrophes are
normalised; only headings (short lines without closing punctuation) are left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from thb_graph.namespaces import THB

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "sources" / "france-country-profile.txt"
DATA = ROOT / "data"
PROFILE = URIRef("https://w3id.org/thb-graph/id/source/france-country-profile")

#: The share of a sentence's content words that evidence quotes must cover.
COVERAGE = 0.8
#: A line of at most this many words, not a bullet and without closing punctuation, is a heading.
HEADING_MAX_WORDS = 12
BULLET = "•"
#: Typographic quotes and apostrophes (left and right, single and double) made plain.
TYPOGRAPHY = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
SENTENCE_BREAK = re.compile(
    r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])"  # "... 2011. 654 victims", "... rape. However"
    r"|(?<=[a-z0-9][.])(?=[A-Z][a-z])"  # the source's "in 2007.In addition"
)
WORD = re.compile(r"[A-Za-z0-9À-ÿ]+(?:[-'/.,][A-Za-z0-9À-ÿ]+)*")
#: Words that carry no fact by themselves. Negations, quantifiers and hedges ("no", "not",
#: "all", "some", "most", "about", "very") are content words: they must be covered.
_STOPWORDS = """a an the and or but nor of in on at to for from by with as into onto over under
    is are was were be been being has have had do does did will would shall should can could
    may might must it its this that these those which who whom whose what where when there
    their they them he she his her s we our one's"""
STOPWORDS = frozenset(_STOPWORDS.split())


def normalise(text: str) -> str:
    """``text`` with typographic quotes made plain and runs of whitespace made one space."""
    return re.sub(r"\s+", " ", text.translate(TYPOGRAPHY)).strip()


@dataclass(frozen=True)
class Quote:
    """One ``thb:evidence`` literal, with the file and subject that carry it."""

    file: str
    subject: str
    text: str


@dataclass(frozen=True)
class Sentence:
    """A sentence or bullet item of the source, as a span of the normalised source."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Source:
    """The normalised source text, its sentences and the headings left out of them."""

    text: str
    sentences: tuple[Sentence, ...]
    headings: tuple[str, ...]


def is_heading(line: str) -> bool:
    """True for a navigation line or section heading: short, not a bullet, no end mark."""
    return (
        not line.startswith(BULLET)
        and not re.search(r"[.:;!?]$", line)
        and len(line.split()) <= HEADING_MAX_WORDS
    )


def split_source(raw: str) -> Source:
    """Split the source into sentences and bullet items, setting headings aside.

    The normalised text is the normalised lines joined by one space, so that a sentence's
    span indexes the same text evidence quotes are searched in.
    """
    lines = [normalise(line) for line in raw.splitlines()]
    lines = [line for line in lines if line]
    text = " ".join(lines)
    sentences: list[Sentence] = []
    headings: list[str] = []
    offset = 0
    for line in lines:
        if is_heading(line):
            headings.append(line)
        else:
            skip = len(BULLET) if line.startswith(BULLET) else 0
            start = offset + skip
            for piece in SENTENCE_BREAK.split(line[skip:]):
                stripped = piece.strip()
                if stripped:
                    begin = text.index(stripped, start)
                    sentences.append(Sentence(begin, begin + len(stripped), stripped))
                    start = begin + len(stripped)
        offset += len(line) + 1
    return Source(text, tuple(sentences), tuple(headings))


@cache
def source() -> Source:
    return split_source(SOURCE.read_text(encoding="utf-8"))


@cache
def quotes() -> tuple[Quote, ...]:
    """Every ``thb:evidence`` literal of every data file."""
    found: list[Quote] = []
    for path in sorted(DATA.glob("*.ttl")):
        graph = Graph().parse(path, format="turtle")
        for subject, quote in graph.subject_objects(THB.evidence):
            assert isinstance(quote, Literal), (path.name, subject, quote)
            found.append(Quote(path.name, subject.n3(graph.namespace_manager), str(quote)))
    return tuple(found)


def occurrences(text: str, part: str) -> list[int]:
    """The start of every occurrence of ``part`` in ``text`` (overlapping ones included)."""
    starts: list[int] = []
    at = text.find(part)
    while at >= 0:
        starts.append(at)
        at = text.find(part, at + 1)
    return starts


def covered_characters(text: str, parts: set[str]) -> list[bool]:
    """For each character of ``text``: whether it lies inside an occurrence of a part."""
    covered = [False] * len(text)
    for part in parts:
        for start in occurrences(text, part):
            covered[start : start + len(part)] = [True] * len(part)
    return covered


def is_figure(word: str) -> bool:
    """True for a number, a date or a code ("654", "2014/2017", "225-4-1"): a fact by itself."""
    return any(char.isdigit() for char in word)


def uncovered_words(sentence: Sentence, covered: list[bool]) -> tuple[int, list[str]]:
    """How many content words ``sentence`` has, and those no evidence quote covers."""
    words = [
        match
        for match in WORD.finditer(sentence.text)
        if match.group().lower().strip(".,") not in STOPWORDS
    ]
    missing = [
        match.group()
        for match in words
        if not all(covered[sentence.start + match.start() : sentence.start + match.end()])
    ]
    return len(words), missing


# --- the source ---------------------------------------------------------------------------


def test_the_source_ships_with_the_project_and_the_data_describes_it() -> None:
    assert SOURCE.is_file()
    readme = (SOURCE.parent / "README.md").read_text(encoding="utf-8")
    assert SOURCE.name in readme and "source:france-country-profile" in readme
    sources = Graph().parse(DATA / "sources.ttl", format="turtle")
    assert (PROFILE, THB.evidence, None) in sources


def test_the_splitter_finds_sentences_bullets_and_headings() -> None:
    raw = (
        "Navigation path\n\n    Residence permits\n\n"
        "    In the Ministry of the Interior, the Central Office for the Repression of"
        " Trafficking in Human Beings (OCRTEH), is responsible for\n\n"
        "    • identifying offences\n    • co-ordinating operations;\n\n"
        "    It rose in 2007.In addition, 26 more. 654 victims were counted.\n"
    )
    split = split_source(raw)
    assert split.headings == ("Navigation path", "Residence permits")
    assert [s.text for s in split.sentences] == [
        "In the Ministry of the Interior, the Central Office for the Repression of"
        " Trafficking in Human Beings (OCRTEH), is responsible for",
        "identifying offences",
        "co-ordinating operations;",
        "It rose in 2007.",
        "In addition, 26 more.",
        "654 victims were counted.",
    ]
    for sentence in split.sentences:
        assert split.text[sentence.start : sentence.end] == sentence.text


def test_only_short_unpunctuated_lines_of_the_source_are_set_aside_as_headings() -> None:
    split = source()
    assert "Navigation path" in split.headings and "Table of Contents" in split.headings
    assert len(split.sentences) > 100
    for heading in split.headings:
        assert len(heading.split()) <= HEADING_MAX_WORDS and heading[-1].isalnum(), heading


def test_coverage_counts_only_words_inside_a_quote() -> None:
    text = "The Ministry dismantled 30 networks in 2008."
    sentence = Sentence(0, len(text), text)
    total, missing = uncovered_words(sentence, covered_characters(text, {"dismantled 30"}))
    assert total == 5
    assert missing == ["Ministry", "networks", "2008"]


@pytest.mark.parametrize(
    ("word", "figure"),
    [("654", True), ("2014/2017", True), ("225-4-1", True), ("1,661,265", True), ("Asia", False)],
)
def test_a_figure_is_any_word_with_a_digit(word: str, figure: bool) -> None:
    assert is_figure(word) is figure


# --- (a) every quote is in the source -----------------------------------------------------


def test_every_evidence_quote_occurs_verbatim_in_the_source() -> None:
    assert len(quotes()) > 300
    text = source().text
    missing = [
        f"{quote.file} {quote.subject}: {quote.text!r}"
        for quote in quotes()
        if normalise(quote.text) not in text
    ]
    assert missing == [], "evidence not found verbatim in the source:\n" + "\n".join(missing)


# --- (b) every sentence of the source is in the data ---------------------------------------


def test_every_sentence_and_bullet_item_of_the_source_is_covered_by_evidence() -> None:
    split = source()
    covered = covered_characters(split.text, {normalise(q.text) for q in quotes()})
    uncovered: list[str] = []
    for sentence in split.sentences:
        total, missing = uncovered_words(sentence, covered)
        share = (total - len(missing)) / total if total else 1.0
        if share < COVERAGE or any(is_figure(word) for word in missing):
            uncovered.append(f"{share:.0%} {sentence.text!r}\n    not covered: {missing}")
    assert uncovered == [], f"{len(uncovered)} sentences not covered:\n" + "\n".join(uncovered)
