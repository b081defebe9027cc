"""The web application: `create_app(settings, store=None)` and nothing else at import.

The application state owns the services every view shares (the query worker pool, the
writer and the answer cache) and closes them; every app-wide hook is registered here, and
the blueprints are listed here, once.
"""

from __future__ import annotations

from importlib import import_module

from flask import Blueprint, Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from thb_graph.config import Settings
from thb_graph.kg.iris import Iris
from thb_graph.kg.store.base import Store
from thb_graph.web import http, releases
from thb_graph.web.app_state import AppState, state
from thb_graph.web.direct import DirectAnswers
from thb_graph.web.errors import register_error_handlers
from thb_graph.web.pages import template_context
from thb_graph.web.replay import AnswerReplay

__all__ = ["BLUEPRINTS", "AppState", "blueprints", "create_app", "state"]

#: Every URL area, in registration order (module ``thb_graph.web.<name>`` holds ``bp``).
BLUEPRINTS = (
    "meta",
    "endpoint",
    "links",
    "entities",
    "browse",
    "downloads",
    "writes",
    "releases",
    "cite",
    "answers",
)


def create_app(settings: Settings | None = None, store: Store | None = None) -> Flask:
    """The Flask app over ``store`` (opened from ``settings.store`` when not given)."""
    settings = settings or Settings()
    if store is None:
        from thb_graph.kg.store import open_store

        store = open_store(settings)
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app_state = AppState(settings=settings, store=store, iris=Iris(settings.base_iri))
    app.extensions["thb_graph"] = app_state
    register_error_handlers(app)
    direct = DirectAnswers(
        lambda request: app_state.queries().run(request, settings.query_timeout_s),
        max_query_bytes=settings.max_query_bytes,
        max_age_s=http.MAX_AGE_S,
    )
    replay = AnswerReplay(
        app.wsgi_app,
        app_state.answers,
        store,
        max_body_bytes=settings.max_body_bytes,
        direct=direct,
    )
    # after_request hooks run last-registered first: the answer is kept once it is final
    app.after_request(replay.keep)
    app.after_request(http.finish)
    app.after_request(releases.name_the_version)
    app.before_request(http.start_timer)
    app.context_processor(template_context)
    app.context_processor(releases.version_for_templates)
    for blueprint in blueprints():
        app.register_blueprint(blueprint)
    app.wsgi_app = replay  # type: ignore[method-assign]
    if settings.trusted_proxies:  # outermost: the replay keys on the mount point and host
        hops = settings.trusted_proxies
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_prefix=hops
        )
    return app


def blueprints() -> list[Blueprint]:
    """The blueprints of every URL area, in registration order."""
    return [import_module(f"thb_graph.web.{name}").bp for name in BLUEPRINTS]
