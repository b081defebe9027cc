"""The two interface languages: choosing one for a request, and the interface strings.

``?lang=`` beats ``Accept-Language``, which beats the ``default_language`` setting. A
language chosen with ``?lang=`` is carried on every link the pages build, so that following
links keeps it; pages that depend on the language send ``Vary: Accept-Language``.
"""

from __future__ import annotations

from dataclasses import dataclass

from thb_graph.web.i18n_pages import STRINGS as PAGE_STRINGS

LANGUAGES = ("en", "fr")
LANGUAGE_NAMES = {"en": "English", "fr": "Français"}


@dataclass(frozen=True)
class LanguageChoice:
    """The language of a request and whether the client asked for it with ``?lang=``."""

    lang: str
    explicit: bool


def choose_language(
    query_lang: str | None, accept_best: str | None, default: str = "en"
) -> LanguageChoice:
    """``query_lang`` when supported, else the best ``Accept-Language`` match, else default."""
    if query_lang:
        code = query_lang.strip().lower()[:2]
        if code in LANGUAGES:
            return LanguageChoice(code, True)
    if accept_best and accept_best[:2].lower() in LANGUAGES:
        return LanguageChoice(accept_best[:2].lower(), False)
    return LanguageChoice(default if default in LANGUAGES else "en", False)


#: Interface strings: key -> (English, French).
STRINGS: dict[str, tuple[str, str]] = {
    "site_name": ("THB graph", "Graphe THB"),
    "site_tagline": (
        "Trafficking in human beings in France: the facts, their sources, linked",
        "La traite des êtres humains en France : les faits, leurs sources, reliés",
    ),
    "skip": ("Skip to content", "Aller au contenu"),
    "nav_home": ("Home", "Accueil"),
    "nav_query": ("Query (SPARQL)", "Requêtes (SPARQL)"),
    "nav_ontology": ("Ontology", "Ontologie"),
    "nav_downloads": ("Downloads", "Téléchargements"),
    "nav_main": ("Main", "Principal"),
    "search": ("Search", "Rechercher"),
    "search_label": (
        "Search names in English and French",
        "Rechercher un nom, en anglais ou en français",
    ),
    "search_placeholder": ("e.g. OCRTEH, sécurité, Nigeria", "p. ex. OCRTEH, sécurité, Nigeria"),
    "language": ("Language", "Langue"),
    "results_for": ("Results for “{q}”", "Résultats pour « {q} »"),
    "n_results": ("{n} results", "{n} résultats"),
    "no_results": ("Nothing matches “{q}”.", "Aucun résultat pour « {q} »."),
    "search_hint": (
        "Type a name or part of one; case and accents do not matter.",
        "Tapez un nom ou une partie ; majuscules et accents ne comptent pas.",
    ),
    "matched": ("matched", "trouvé dans"),
    "types": ("Types", "Types"),
    "inferred": ("inferred", "inféré"),
    "inferred_help": (
        "Inferred: follows from the ontology, not stated in the data",
        "Inféré : découle de l'ontologie, non énoncé dans les données",
    ),
    "at_a_glance": ("At a glance", "En bref"),
    "section_names": ("Names", "Noms"),
    "section_about": ("Description", "Description"),
    "section_facts": ("Facts", "Faits"),
    "section_dates": ("Dates", "Dates"),
    "section_identifiers": ("Identifiers and links", "Identifiants et liens"),
    "section_provenance": ("Sources and evidence", "Sources et preuves"),
    "all_statements": ("All statements", "Toutes les déclarations"),
    "referenced_by": ("Referenced by", "Cité par"),
    "n_links": ("{n} links", "{n} liens"),
    "no_links": ("Nothing links here.", "Rien ne renvoie ici."),
    "page_n_of": ("Page {page} of {pages}", "Page {page} sur {pages}"),
    "previous": ("Previous", "Précédent"),
    "next": ("Next", "Suivant"),
    "pagination": ("Pages", "Pages"),
    "figures": ("Figures", "Chiffres"),
    "this_figure": ("This figure", "Ce chiffre"),
    "figure": ("Figure", "Chiffre"),
    "value": ("Value", "Valeur"),
    "period": ("Period", "Période"),
    "place": ("Place", "Lieu"),
    "source": ("Source", "Source"),
    "sources": ("Sources", "Sources"),
    "source_colon": ("Source:", "Source\u00a0:"),
    "reported_by": ("reported by", "selon"),
    "about": ("about", "environ"),
    "derived": ("derived", "calculé"),
    "derived_help": ("Derived from another figure", "Calculé à partir d'un autre chiffre"),
    "breakdown": ("Breakdown", "Répartition"),
    "breakdown_by": ("Breakdown by {dim}", "Répartition par {dim}"),
    "parts_sum": (
        "The parts listed add up to {sum} of the total {total}.",
        "Les parties listées totalisent {sum} sur un total de {total}.",
    ),
    "category": ("Category", "Catégorie"),
    "share": ("Share of total", "Part du total"),
    "download_csv": ("Download this table (CSV)", "Télécharger ce tableau (CSV)"),
    "chart_desc": (
        "Bar chart of {title}: {items}.",
        "Diagramme en barres, {title} : {items}.",
    ),
    "timeline": ("Timeline", "Chronologie"),
    "date": ("Date", "Date"),
    "this": ("this", "ceci"),
    "history": ("History", "Historique"),
    "history_intro": (
        "The writes that changed statements about this entity, newest first.",
        "Les écritures qui ont modifié des déclarations sur cette entité, de la plus récente "
        "à la plus ancienne.",
    ),
    "history_note": (
        "The latest {n} writes that changed statements about this entity, newest first.",
        "Les {n} dernières écritures qui ont modifié des déclarations sur cette entité, de la "
        "plus récente à la plus ancienne.",
    ),
    "history_when": ("When", "Quand"),
    "history_change": ("Change", "Modification"),
    "history_by": ("By", "Par"),
    "history_added": ("Statements added", "Déclarations ajoutées"),
    "history_removed": ("Statements removed", "Déclarations retirées"),
    "other_formats": ("This page as data", "Cette page en données"),
    "iri": ("IRI", "IRI"),
    "external": ("external link", "lien externe"),
    "home_intro": (
        "A linked-data knowledge graph of the fight against trafficking in human beings (THB) "
        "in France: the laws, the bodies, the programmes and the figures, each with its source.",
        "Un graphe de connaissances en données liées sur la lutte contre la traite des êtres "
        "humains (TEH) en France : les lois, les organismes, les programmes et les chiffres, "
        "chacun avec sa source.",
    ),
    "what_it_holds": ("What the graph holds", "Ce que contient le graphe"),
    "class": ("Class", "Classe"),
    "count": ("Count", "Nombre"),
    "n_statements": ("{n} statements", "{n} déclarations"),
    "headline_figures": ("Headline figures", "Chiffres clés"),
    "events_timeline": ("Timeline {start}\u2013{end}", "Chronologie {start}\u2013{end}"),
    "example_questions": ("Questions to ask", "Questions à poser"),
    "run_query": ("Run the query", "Lancer la requête"),
    "downloads_intro": (
        "The whole graph, generated from the store, in every usual RDF format.",
        "Le graphe entier, produit à partir de la base, dans tous les formats RDF usuels.",
    ),
    "file": ("File", "Fichier"),
    "format": ("Format", "Format"),
    "size": ("Size", "Taille"),
    "checksum": ("SHA-256", "SHA-256"),
    "named_graphs_kept": ("named graphs kept", "graphes nommés conservés"),
    "context_note": (
        "JSON-LD is compacted with the context published at",
        "Le JSON-LD est compacté avec le contexte publié à l'adresse",
    ),
    "releases": ("Released versions", "Versions publiées"),
    "data_version": ("data version", "version des données"),
    "release_served": ("served here", "servie ici"),
    "release_intro": (
        "Released on {date}; its persistent identifier:",
        "Publiée le {date} ; son identifiant pérenne :",
    ),
    "release_previous": ("Previous version:", "Version précédente :"),
    "release_changes": ("Changes", "Modifications"),
    "citations": ("citations: {n}", "citations : {n}"),
    "members": ("Members", "Membres"),
    "n_members": ("{n} members", "{n} membres"),
    "superclasses": ("Broader classes", "Classes plus larges"),
    "subclasses": ("Narrower classes", "Classes plus étroites"),
    "definition": ("Definition", "Définition"),
    "classes": ("Classes", "Classes"),
    "properties": ("Properties", "Propriétés"),
    "domain": ("Domain", "Domaine"),
    "range": ("Range", "Portée"),
    "subproperty_of": ("Sub-property of", "Sous-propriété de"),
    "inverse_of": ("Inverse of", "Inverse de"),
    "kind": ("Kind", "Sorte"),
    "ontology_intro": (
        "Every class and property of the thb vocabulary, with its names in English and French.",
        "Chaque classe et propriété du vocabulaire thb, avec ses noms en anglais et en français.",
    ),
    "not_found": ("Not found", "Introuvable"),
    "profile_organisation": ("Organisation", "Organisation"),
    "row_parent": ("Part of", "Rattaché à"),
    "row_units": ("Units", "Unités"),
    "row_co_chairs": ("Co-chaired by", "Coprésidé par"),
    "row_chairs": ("Chaired by", "Présidé par"),
    "row_heads": ("Headed by", "Dirigé par"),
    "row_members": ("Members", "Membres"),
    "row_chairs_of": ("Chairs", "Préside"),
    "row_partners": ("Partners", "Partenaires"),
    "row_jurisdiction": ("Jurisdiction", "Compétence"),
    "row_runs": ("Runs", "Met en œuvre"),
    "row_handles": ("Handles", "Traite"),
    "row_tasks": ("Responsibilities", "Missions"),
    "row_part_of": ("Part of", "Partie de"),
    "row_articles": ("Articles and parts", "Articles et parties"),
    "row_amends": ("Amends", "Modifie"),
    "row_amended_by": ("Amended by", "Modifié par"),
    "row_transposes": ("Transposes", "Transpose"),
    "row_transposed_by": ("Transposed by", "Transposé par"),
    "row_implements": ("Implements", "Met en œuvre"),
    "row_status": ("Status", "Statut"),
    "row_prepared_by": ("Prepared by", "Préparé par"),
    "row_defines": ("Defines or criminalises", "Définit ou incrimine"),
    "row_provisions": ("Provisions", "Dispositions"),
    "row_run_by": ("Run by", "Mis en œuvre par"),
    "row_when": ("When", "Quand"),
    "row_for_whom": ("For whom", "Pour qui"),
    "row_amount": ("Amount", "Montant"),
    "row_duration": ("Duration and frequency", "Durée et fréquence"),
    "row_support": ("Support provided", "Aide apportée"),
    "row_funding": ("Funding", "Financement"),
    "row_participants": ("Participants", "Participants"),
    "row_where": ("Where", "Où"),
    "row_agents": ("Who", "Qui"),
    "row_brought_about": ("Brought about", "A produit"),
    "row_led_to": ("Led to", "A conduit à"),
    "row_followed": ("Followed", "Fait suite à"),
    "row_claims_about": ("Claims about it", "Affirmations à son sujet"),
    "row_length": ("Duration", "Durée"),
    "row_renewal": ("Renewal", "Renouvellement"),
    "row_about": ("About", "Sujet"),
    "row_as_of": ("As of", "À la date de"),
    "row_claimed_by": ("Claimed by", "Selon"),
    "row_conflicts_with": ("Conflicts with", "Contredit"),
    "row_challenges": ("Challenges", "Conteste"),
    "row_challenged_by": ("Challenged by", "Contesté par"),
    "row_source": ("Source", "Source"),
    "conflict_note": (
        "Sources disagree here; both claims are kept and nothing says which is right.",
        "Les sources divergent ici ; les deux affirmations sont conservées, sans trancher.",
    ),
}


def translate(key: str, lang: str, **values: object) -> str:
    """The interface string ``key`` in ``lang`` with ``{name}`` fields filled in."""
    pair = STRINGS.get(key) or PAGE_STRINGS.get(key)
    text = key if pair is None else (pair[1] if lang == "fr" else pair[0])
    if lang == "fr":
        text = _french_spacing(text)
    return text.format(**values) if values else text


def _french_spacing(text: str) -> str:
    """No-break spaces where French typography wants them (before : ; ? ! and inside « »)."""
    for mark in (":", ";", "?", "!", "»"):
        text = text.replace(" " + mark, "\u00a0" + mark)
    return text.replace("« ", "«\u00a0")
