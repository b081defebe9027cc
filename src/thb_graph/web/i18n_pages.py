"""Interface strings of the citation, caveat, answer and 404 parts of the pages (kept apart
from :mod:`thb_graph.web.i18n` so that each table stays short): key -> (English, French)."""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "cite_this": ("Cite this", "Citer"),
    "cite_this_page": ("Cite this page", "Citer cette page"),
    "cite_text": ("Text", "Texte"),
    "cite_intro": (
        "Quote the address below; it is stable. The release date is given only when the data "
        "state it.",
        "Citez l'adresse ci-dessous ; elle est stable. La date de publication n'est donnée que "
        "si les données l'indiquent.",
    ),
    "release_unknown": ("release date unknown", "date de publication inconnue"),
    "licence": ("Licence", "Licence"),
    "version": ("Version", "Version"),
    "data_until": ("Facts up to {year}", "Faits jusqu'en {year}"),
    "unknown": ("unknown", "inconnu"),
    "site_note": (
        "The facts are those of the source documents, as they stood up to about {year}; "
        "they are not updated.",
        "Les faits sont ceux des documents sources, tels qu'ils étaient jusque vers {year} ; "
        "ils ne sont pas mis à jour.",
    ),
    "not_found_title": ("Page not found", "Page introuvable"),
    "not_found_intro": (
        "Nothing is published at this address.",
        "Rien n'est publié à cette adresse.",
    ),
    "not_found_search": ("Search for “{q}”", "Rechercher « {q} »"),
    "not_found_classes": ("Browse what the graph holds", "Parcourir ce que contient le graphe"),
    "not_found_questions": ("Questions the graph answers", "Questions auxquelles répond le graphe"),
    "error_title": ("Error {status}", "Erreur {status}"),
    "error_at": ("At line {line}, column {column}.", "Ligne {line}, colonne {column}."),
    "error_at_line": ("At line {line}.", "Ligne {line}."),
    "caveat_interpretation": ("interpretation", "interprétation"),
    "caveat_interpretation_help": (
        "The graph reads the source's words this way",
        "Le graphe lit ainsi les mots de la source",
    ),
    "caveat_approximate": ("approximate", "approximatif"),
    "caveat_approximate_help": (
        "The source gives this number as approximate",
        "La source donne ce nombre comme approximatif",
    ),
    "caveat_range": ("range", "fourchette"),
    "caveat_range_help": (
        "The source gives a range, not one number",
        "La source donne une fourchette, pas un nombre",
    ),
    "caveat_bound": ("bound", "borne"),
    "caveat_bound_help": (
        "The source gives only a lower or upper bound",
        "La source ne donne qu'une borne inférieure ou supérieure",
    ),
    "caveat_as_of": ("as of {date}", "au {date}"),
    "caveats": ("Caveats", "Réserves"),
    "questions": ("Questions the graph answers", "Questions auxquelles répond le graphe"),
    "questions_intro": (
        "Each question runs a query over the graph and shows its answer, with the sources. "
        "The query itself opens in the editor.",
        "Chaque question lance une requête sur le graphe et en montre la réponse, avec les "
        "sources. La requête s'ouvre dans l'éditeur.",
    ),
    "all_questions": ("All {n} questions", "Les {n} questions"),
    "answer": ("Answer", "Réponse"),
    "n_rows": ("{n} rows", "{n} lignes"),
    "no_answer": ("The graph holds no answer to this question.",
                  "Le graphe ne contient pas de réponse à cette question."),
    "open_in_editor": ("Open in the query editor", "Ouvrir dans l'éditeur de requêtes"),
    "the_query": ("The query", "La requête"),
    "answer_truncated": (
        "Only the first {n} rows are shown.",
        "Seules les {n} premières lignes sont affichées.",
    ),
    "more_questions": ("More questions", "Autres questions"),
    "show_all": ("Show all", "Tout afficher"),
    "download_figures_csv": (
        "Every figure as a table (CSV): value, unit, period, place, source, quote, caveats",
        "Tous les chiffres en tableau (CSV) : valeur, unité, période, lieu, source, citation, "
        "réserves",
    ),
    "editor_title": ("SPARQL query editor", "Éditeur de requêtes SPARQL"),
    "editor_intro_1": ("Query the graph with", "Interrogez le graphe en"),
    "editor_intro_2": (
        "The default graph is the union of every named graph. A query may run {seconds} s and "
        "return {rows} rows; SERVICE and updates are refused.",
        "Le graphe par défaut est l'union de tous les graphes nommés. Une requête peut durer "
        "{seconds} s et rendre {rows} lignes ; SERVICE et les mises à jour sont refusés.",
    ),
    "editor_intro_3": (
        "Programs can use this same address as a SPARQL 1.1 Protocol endpoint:",
        "Les programmes peuvent utiliser cette même adresse comme point d'accès SPARQL 1.1 :",
    ),
    "editor_answers": (
        "Or read the answers to the questions, no query needed.",
        "Ou lisez les réponses aux questions, sans écrire de requête.",
    ),
    "editor_examples": ("Example queries", "Exemples de requêtes"),
    "editor_choose": ("Choose an example…", "Choisir un exemple…"),
    "editor_share": ("Link to this query", "Lien vers cette requête"),
    "editor_share_help": ("Copy a link that reopens this query",
                          "Copier un lien qui rouvre cette requête"),
    "editor_shared": ("shared query", "requête partagée"),
    "editor_error": ("The query was not run", "La requête n'a pas été exécutée"),
    "editor_noscript": (
        "The editor needs JavaScript. Without it, send queries to this address with ?query= "
        "and &format=json (or csv, tsv, xml, ttl, nt, jsonld, rdf, trig, nq).",
        "L'éditeur a besoin de JavaScript. Sans lui, envoyez les requêtes à cette adresse avec "
        "?query= et &format=json (ou csv, tsv, xml, ttl, nt, jsonld, rdf, trig, nq).",
    ),
    "editor_rows_per_page": ("Rows per page", "Lignes par page"),
    "editor_endpoint": ("Endpoint address", "Adresse du point d'accès"),
    "editor_query": ("SPARQL query", "Requête SPARQL"),
    "editor_filter": ("Filter the results", "Filtrer les résultats"),
    "editor_at_line": ("At line {line}, column {column}.", "Ligne {line}, colonne {column}."),
    "editor_chart": ("Chart", "Graphique"),
    # The query editor's own words (YASGUI's English, exactly as it writes them; ``{n}``
    # stands for what varies), put in the page's language after each drawing.
    "yasgui_table": ("Table", "Tableau"),
    "yasgui_response": ("Response", "Réponse"),
    "yasgui_results": ("{n} results in {s} seconds", "{n} résultats en {s} s"),
    "yasgui_result": ("{n} result in {s} seconds", "{n} résultat en {s} s"),
    "yasgui_simple": ("Simple view", "Vue simple"),
    "yasgui_ellipse": ("Ellipse", "Abréger"),
    "yasgui_page_size": ("Page size:", "Lignes par page :"),
    "yasgui_all": ("All", "Toutes"),
    "yasgui_close_tab": ("Close tab", "Fermer l'onglet"),
    "yasgui_add_tab": ("Add tab", "Ajouter un onglet"),
    "yasgui_add_new_tab": ("Add a new tab", "Ajouter un onglet"),
    "yasgui_settings": ("Open settings", "Ouvrir les réglages"),
    "yasgui_clear": ("Clear endpoint", "Effacer l'adresse"),
    "yasgui_share": ("Share query", "Partager la requête"),
    "yasgui_run": ("Run query", "Lancer la requête"),
    "yasgui_download": ("Download result", "Télécharger les résultats"),
    "yasgui_download_all": ("Download Results", "Télécharger les résultats"),
    "yasgui_docs": ("View documentation of {name}", "Documentation de la vue {name}"),
    "yasgui_shows": ("Shows {name} view", "Affiche la vue {name}"),
    "yasgui_filter": ("Filter query results", "Filtrer les résultats"),
    "yasgui_sort": ("{name}: Activate to sort", "{name} : activer pour trier"),
    "yasgui_sort_up": (
        "{name}: Activate to invert sorting",
        "{name} : activer pour inverser le tri",
    ),
    "yasgui_sort_off": (
        "{name}: Activate to remove sorting",
        "{name} : activer pour retirer le tri",
    ),
    "facets": ("Filter", "Filtrer"),
    "facet_year": ("Year", "Année"),
    "facet_place": ("Place", "Lieu"),
    "facet_source": ("Source", "Source"),
    "facet_type": ("Type", "Type"),
    "clear_filters": ("Clear the filters", "Retirer les filtres"),
    "n_shown": ("{n} shown", "{n} affichés"),
    "name": ("Name", "Nom"),
    "date_or_period": ("Date or period", "Date ou période"),
    "sorted_asc": ("sorted, ascending", "trié, croissant"),
    "sorted_desc": ("sorted, descending", "trié, décroissant"),
    "table_csv": ("This table as CSV", "Ce tableau en CSV"),
    "table_json": ("This table as JSON", "Ce tableau en JSON"),
    "table_capped": (
        "The table holds the first members only, of {n}.",
        "Le tableau ne contient que les premiers membres, sur {n}.",
    ),
    "technical_classes": (
        "Structural classes (periods, instants, data structures, reused vocabularies)",
        "Classes de structure (périodes, instants, structures de données, vocabulaires repris)",
    ),
    "doc_known": ("What is known of this document", "Ce que l'on sait de ce document"),
    "doc_title": ("Title", "Titre"),
    "doc_publisher": ("Publisher", "Éditeur"),
    "doc_date": ("Date", "Date"),
    "doc_address": ("Address", "Adresse"),
    "doc_unknown": ("unknown: the sources do not say",
                    "inconnu : les sources ne le disent pas"),
    "claims_side_by_side": ("The claims side by side", "Les affirmations côte à côte"),
    "this_claim": ("This claim", "Cette affirmation"),
    "property": ("Property", "Propriété"),
}  # fmt: skip
