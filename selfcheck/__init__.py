"""selfcheck: a self-assessment of management by objectives for leadership teams."""

from __future__ import annotations

from typing import Any

from flask import Flask

from selfcheck import config
from selfcheck.core.content import parse_questionnaire, read_document
from selfcheck.resources import templates_dir


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app: the one place that wires config, content, i18n and the web.

    ``test_config`` replaces the environment, as in the Flask tutorial. The
    questionnaire is loaded here, so an invalid ``questions.toml`` stops the app
    from starting with every problem listed (``content.ContentError``).
    """
    app = Flask(__name__, instance_relative_config=True, template_folder=str(templates_dir()))
    app.config.from_mapping(config.defaults(app.instance_path))
    given = config.from_environment() if test_config is None else test_config
    config.check_shared(given)
    app.config.from_mapping(given)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = config.instance_secret_key(app.instance_path)

    document = read_document(app.config["QUESTIONS_FILE"])
    app.extensions["questionnaire"] = parse_questionnaire(document)
    app.extensions["questionnaire_document"] = document

    from flask_wtf.csrf import CSRFProtect

    from selfcheck import db, i18n, logs, ratelimit, security, web

    CSRFProtect(app)
    logs.init_app(app)
    db.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    ratelimit.init_app(app)
    web.init_app(app)
    return app
