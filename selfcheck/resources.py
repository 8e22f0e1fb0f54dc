"""Where the app's files are, in a checkout and in an installed wheel.

The project card puts ``templates/`` and ``questions.toml`` at the top level of
the repository. The wheel carries them inside the package (see
``pyproject.toml``), so we look inside the package first and then beside it.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def resource_path(name: str) -> Path:
    """The path of a top-level resource, installed or in the checkout."""
    for base in (PACKAGE_DIR, PACKAGE_DIR.parent):
        candidate = base / name
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"{name} is neither in {PACKAGE_DIR} nor beside it")


def templates_dir() -> Path:
    return resource_path("templates")


def default_questions_file() -> Path:
    return resource_path("questions.toml")
