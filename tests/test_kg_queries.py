"""Named example queries: title and description read from their leading comments."""

from __future__ import annotations

from pathlib import Path

from thb_graph.kg.queries import load_examples, parse_example
from thb_graph.sparql.guard import check_query


def test_title_and_description_come_from_the_comments() -> None:
    text = (
        "# title: Organisations\n# description: Every organisation,\n#   with a label.\nSELECT * {}"
    )
    example = parse_example("orgs", text)
    assert example.title == "Organisations"
    assert example.description == "Every organisation, with a label."
    assert example.query == text


def test_a_title_in_french_is_read_apart_and_shown_for_french() -> None:
    text = (
        "# title: PCQ-01 Organisations\n# title@fr: PCQ-01 Organismes\n"
        "# description: Every organisation,\n#   with a label.\nSELECT * {}"
    )
    example = parse_example("orgs", text)
    assert (example.title, example.description) == (
        "PCQ-01 Organisations",
        "Every organisation, with a label.",
    )
    french = example.in_language("fr")
    assert french.title == "PCQ-01 Organismes"
    assert french.description == example.description  # no French given: the English one
    assert example.description_language("fr") == "en"
    assert example.in_language("de") == example


def test_every_named_query_of_the_project_has_a_french_title_and_description() -> None:
    examples = load_examples(Path(__file__).resolve().parents[1] / "queries")
    assert examples
    assert [e.name for e in examples if not all(e.translations.get("fr", ("", "")))] == []
    assert all(e.description_language("fr") == "fr" for e in examples)


def test_missing_title_falls_back_to_the_file_name() -> None:
    example = parse_example("plain", "SELECT * WHERE { ?s ?p ?o }")
    assert (example.title, example.description) == ("plain", "")


def test_examples_are_sorted_and_missing_folder_gives_none(tmp_path: Path) -> None:
    (tmp_path / "b.rq").write_text("# title: B\nASK {}")
    (tmp_path / "a.rq").write_text("# title: A\nASK {}")
    (tmp_path / "notes.txt").write_text("not a query")
    assert [e.name for e in load_examples(tmp_path)] == ["a", "b"]
    assert load_examples(tmp_path / "missing") == []


def test_every_named_query_of_the_project_passes_the_guard() -> None:
    folder = Path(__file__).resolve().parents[1] / "queries"
    examples = load_examples(folder)
    for example in examples:
        assert example.title != example.name, f"{example.name} has no '# title:'"
        check_query(example.query)
