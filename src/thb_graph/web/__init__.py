"""The web application: `create_app(settings, store=None)` and nothing else at import."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app

from thb_graph.config import Settings
from thb_graph.kg.iris import Iris
from thb_graph.kg.store.base import Store
from thb_graph.web.errors import register_error_handlers
from thb_graph.web.replay import AnswerReplay


@dataclass
class AppState:
    """What every view needs, kept on ``app.extensions["thb_graph"]``."""

    settings: Settings
    store: Store
    iris: Iris


def state() -> AppState:
    """The AppState of the running app."""
    return current_app.extensions["thb_graph"]  # type: ignore[no-any-return]


def create_app(settings: Settings | None = None, store: Store | None = None) -> Flask:
    """The Flask app over ``store`` (opened from ``settings.store`` when not given)."""
    settings = settings or Settings()
    if store is None:
        from thb_graph.kg.store import open_store

        store = open_store(settings)
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.extensions["thb_graph"] = AppState(
        settings=settings, store=store, iris=Iris(settings.base_iri)
    )
    register_error_handlers(app)
    for blueprint in _blueprints():
        app.register_blueprint(blueprint)
    app.wsgi_app = AnswerReplay(  # type: ignore[method-assign]
        app.wsgi_app, store, max_body_bytes=settings.max_body_bytes
    )
    return app


def _blueprints() -> list:  # type: ignore[type-arg]
    """The blueprints of every URL area, in registration order."""
    from importlib import import_module

    names = ["meta", "endpoint", "entities", "browse", "downloads", "writes", "cite", "answers"]
    found = []
    for name in names:
        try:
            module = import_module(f"thb_graph.web.{name}")
        except ModuleNotFoundError as err:
            if err.name == f"thb_graph.web.{name}":
                continue
            raise
        found.append(module.bp)
    return found
