"""Shared fixtures, after the pallets/flask tutorial: ``app``, ``client``, ``runner``."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from selfcheck import create_app
from selfcheck.content import read_document
from selfcheck.resources import default_questions_file

QUESTIONS_FILE = default_questions_file()


@pytest.fixture(scope="session")
def questions_document() -> dict:
    """The shipped questionnaire as plain data; tests deep-copy it before changing it."""
    return read_document(QUESTIONS_FILE)


@pytest.fixture
def document(questions_document) -> dict:
    """A private, changeable copy of the shipped questionnaire."""
    return copy.deepcopy(questions_document)


@pytest.fixture
def app(tmp_path: Path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "QUESTIONS_FILE": str(QUESTIONS_FILE),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'test.sqlite'}",
        }
    )
    yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()
