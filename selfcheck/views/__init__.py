"""The web views: one blueprint per role (DESIGN.md §3)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from . import start

    app.register_blueprint(start.bp)
