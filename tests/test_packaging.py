"""The wheel carries templates/, questions.toml, static files and catalogs; the app finds them."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "-w", str(out), str(ROOT)],
        check=True,
    )
    (path,) = out.glob("selfcheck-*.whl")
    return path


def test_wheel_contains_the_top_level_resources(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in (
        "selfcheck/questions.toml",
        "selfcheck/templates/base.html",
        "selfcheck/templates/start/index.html",
        "selfcheck/static/vendor/dkfds/css/dkfds.min.css",
        "selfcheck/static/vendor/dkfds/LICENSE.md",
        "selfcheck/translations/da/LC_MESSAGES/messages.mo",
    ):
        assert name in names, name
    assert not any(name.startswith(("tests/", "templates/")) for name in names)


def test_installed_wheel_serves_the_app_outside_the_checkout(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target),
         str(wheel)],
        check=True,
    )
    script = (
        "import selfcheck, selfcheck.resources as r\n"
        "from selfcheck import create_app\n"
        "app = create_app({'SECRET_KEY': 'x'})\n"
        "page = app.test_client().get('/').get_data(as_text=True)\n"
        "print(selfcheck.__file__)\n"
        "print(r.templates_dir())\n"
        "print(r.default_questions_file())\n"
        "print('Tværgående mål' in page, 'De seks temaer' in page)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    module, templates, questions, found = result.stdout.splitlines()
    assert module == str(target / "selfcheck" / "__init__.py")
    assert templates == str(target / "selfcheck" / "templates")
    assert questions == str(target / "selfcheck" / "questions.toml")
    assert found == "True True"
