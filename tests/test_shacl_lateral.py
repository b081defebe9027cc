"""Bare groups after other patterns go under LATERAL; groups that follow a keyword do not."""

from __future__ import annotations

from thb_graph.kg.shacl.lateral import lateral_joins


def test_a_bare_group_after_a_pattern_is_joined_laterally() -> None:
    query = "SELECT * WHERE { ?a ?p ?b . { ?a ?q ?x } UNION { ?b ?q ?y } }"
    assert lateral_joins(query) == (
        "SELECT * WHERE { ?a ?p ?b . LATERAL { { ?a ?q ?x } UNION { ?b ?q ?y } } }"
    )


def test_groups_after_keywords_stay_as_written() -> None:
    for group in (
        'BIND (IF(EXISTS { ?a ?q ?t }, "yes", "no") AS ?why)',
        "FILTER (NOT EXISTS { ?a ?q ?t })",
        "FILTER NOT EXISTS { ?a ?q ?t }",
        "OPTIONAL { ?a ?q ?t }",
        "MINUS { ?a ?q ?t }",
        "GRAPH ?g { ?a ?q ?t }",
        "VALUES ?x { 1 2 }",
    ):
        query = f"SELECT * WHERE {{ ?a ?p ?b . {group} }}"
        assert lateral_joins(query) == query, group
