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


def test_a_sub_select_stays_a_join_and_a_comment_is_no_pattern() -> None:
    sub = "{ SELECT ?a ?k WHERE { ?a ?p ?k } } { SELECT ?b ?k WHERE { ?b ?q ?k } }"
    query = f"SELECT * WHERE {{\n# two lists joined on ?k\n{sub} FILTER (?a != ?b) }}"
    assert lateral_joins(query) == query
    commented = "SELECT * WHERE {\n# a comment\n{ ?a ?q ?x } UNION { ?b ?q ?y } }"
    assert lateral_joins(commented) == commented
    after = "SELECT * WHERE { ?a ?p ?b . # then\n{ ?a ?q ?x } }"
    assert lateral_joins(after) == "SELECT * WHERE { ?a ?p ?b . # then\nLATERAL { { ?a ?q ?x } } }"
