"""The web: one folder per area, each with its routes and forms (docs/architecture.md)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from selfcheck.web import errors, health
    from selfcheck.web.answer import routes as answer
    from selfcheck.web.auth import routes as auth
    from selfcheck.web.facilitate import routes as facilitate
    from selfcheck.web.organisations import routes as organisations
    from selfcheck.web.report import routes as report
    from selfcheck.web.start import routes as start
    from selfcheck.web.workshop import routes as workshop
    from selfcheck.web.workspace import routes as workspace

    auth.init_app(app)
    for module in (start, answer, facilitate, workshop, organisations, errors, auth, workspace,
                   health):
        app.register_blueprint(module.bp)
    app.register_blueprint(answer.code_bp)
    app.register_blueprint(organisations.org)
    app.register_blueprint(report.bp)
    app.register_blueprint(report.org)
