"""The app factory and the front page."""

from __future__ import annotations

import pytest

from selfcheck.config import from_environment, instance_secret_key

from .conftest import html_text

pytestmark = pytest.mark.both_databases


def test_config_from_test_mapping(app):
    assert app.testing
    assert app.config["BABEL_DEFAULT_LOCALE"] == "da"
    assert app.extensions["questionnaire"].id == "maalstyring"


def test_secret_key_is_generated_once_into_the_instance_folder(tmp_path):
    key = instance_secret_key(str(tmp_path))
    assert len(key) == 64
    assert (tmp_path / "secret_key").read_text() == key
    assert oct((tmp_path / "secret_key").stat().st_mode & 0o777) == "0o600"
    assert instance_secret_key(str(tmp_path)) == key


def test_environment_variables_are_read():
    settings = from_environment(
        {"SELFCHECK_DATABASE_URL": "sqlite:///x.db", "SELFCHECK_QUESTIONS": "q.toml", "OTHER": "1"}
    )
    assert settings == {"DATABASE_URL": "sqlite:///x.db", "QUESTIONS_FILE": "q.toml"}


def test_front_page_in_danish_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="da">' in html
    assert "Når målstyring virker – selvevaluering for ledelsesteams" in html
    assert "Alle kender målene og hensigten" in html
    assert "De seks temaer" in html
    assert "anbefalinger</h2>" not in html
    assert "Gå til indhold" in html


def test_front_page_follows_accept_language(client):
    html = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "When management by objectives works" in html
    assert "Everyone knows the goals and their purpose" in html


# ------------------------------------------------------------------------------ /healthz

def test_healthz_answers_200_while_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "ok\n"
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert "Set-Cookie" not in response.headers


def test_healthz_answers_503_with_one_word_when_the_database_does_not(app, tmp_path):
    from sqlalchemy import create_engine

    working = app.extensions["db_engine"]
    app.extensions["db_engine"] = create_engine(f"sqlite:///{tmp_path}/missing/folder/db.sqlite")
    try:
        response = app.test_client().get("/healthz")
    finally:
        app.extensions["db_engine"] = working
    assert response.status_code == 503
    assert response.get_data(as_text=True) == "unavailable\n"
    assert "Traceback" not in response.get_data(as_text=True)


def test_healthz_is_never_rate_limited(client):
    assert {client.get("/healthz").status_code for _ in range(60)} == {200}


# ------------------------------------------------------------------- 5xx in the log

def test_every_5xx_is_logged_once_with_the_request_id_the_page_shows(app, caplog):
    import logging

    from flask import abort

    def boom(token):
        raise RuntimeError("something broke")

    def unavailable(token):
        abort(503)

    app.add_url_rule("/j/<token>/boom", view_func=boom)
    app.add_url_rule("/j/<token>/unavailable", view_func=unavailable)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as when served: the error page, not a raise
    client = app.test_client()
    secret = "hemmelig-noegle-123"
    for path, code in (("boom", 500), ("unavailable", 503)):
        caplog.clear()
        with caplog.at_level(logging.INFO):
            response = client.get(f"/j/{secret}/{path}")
        assert response.status_code == code
        request_id = response.headers["X-Request-Id"]
        assert len(request_id) == 12
        assert f"Forespørgsel: {request_id}" in html_text(response)
        errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
        assert len(errors) == 1
        assert request_id in errors[0].getMessage()
        assert f"/j/…/{path}" in errors[0].getMessage()
        assert (errors[0].exc_info is not None) is (code == 500)
        logged = " ".join(r.getMessage() for r in caplog.records)
        assert secret not in logged


def test_a_4xx_page_shows_no_request_id(client):
    response = client.get("/nowhere")
    assert response.status_code == 404
    assert "Forespørgsel:" not in html_text(response)
    assert response.headers["X-Request-Id"]
