"""``selfcheck check``: the questionnaire file, checked without the app.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from selfcheck.core.content import LANGUAGES, ContentError
from selfcheck.resources import default_questions_file


@click.command("check")
@click.option("--strict", is_flag=True,
              help="Treat writing warnings as errors: exit 1 when there is any.")
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
def check_command(path: Path | None, strict: bool) -> None:
    """Validate a questionnaire file (default: SELFCHECK_QUESTIONS or questions.toml).

    Problems make the file unusable (exit 1). Warnings point at texts that break the
    writing rules (selfcheck/core/checks.py); they go to stderr with their key paths
    and the exit code stays 0, unless --strict makes them errors.
    """
    from selfcheck.core.checks import warnings
    from selfcheck.core.content import parse_questionnaire, read_document

    path = path or Path(os.environ.get("SELFCHECK_QUESTIONS") or default_questions_file())
    try:
        document = read_document(path)
        questionnaire = parse_questionnaire(document)
    except ContentError as exc:
        click.echo(f"{path}: {len(exc.problems)} problem(s)", err=True)
        for problem in exc.problems:
            click.echo(f"  {problem}", err=True)
        sys.exit(1)
    found = warnings(questionnaire, document)
    if found:
        mode = "errors with --strict" if strict else "use --strict to make them errors"
        click.echo(f"{path}: {len(found)} warning(s) ({mode})", err=True)
        for warning in found:
            click.echo(f"  {warning}", err=True)
        if strict:
            sys.exit(1)
    q = questionnaire
    click.echo(f"{path}: OK")
    click.echo(f"{q.title.da} (version {q.version})")
    click.echo(f"Source: {q.source.title}, {q.source.publisher}, {q.source.year}")
    click.echo(f"Languages: {', '.join(LANGUAGES)}")
    labels = ", ".join(f"{p.value} {p.label.da}" for p in q.scale.points)
    click.echo(f"Scale: {labels}; + {q.scale.dont_know.da}")
    bands = []
    for band in q.bands:
        limit = f" < {float(band.below):g}" if band.below is not None else ""
        bands.append(f"{band.id}{limit}")
    click.echo(f"Bands: {', '.join(bands)}; disagreement range {float(q.disagreement_range):g}")
    levels = f"levels {', '.join(level.id for level in q.levels)}" if q.levels else "no levels"
    chain_suggestions = sum(len(theme.chain_suggestions) for theme in q.themes)
    click.echo(f"Chain: gap {float(q.chain_gap):g}; {levels}; "
               f"{chain_suggestions} chain suggestions")
    click.echo(f"Themes: {len(q.themes)}")
    for i, theme in enumerate(q.themes, 1):
        reverse = sum(1 for question in theme.questions if question.reverse)
        click.echo(
            f"  {i}. {theme.id:<18} {len(theme.questions)} statements "
            f"({reverse} reverse), {len(theme.suggestions)} suggestions, "
            f"{len(theme.chain_suggestions)} for the chain – {theme.title.da}"
        )
    click.echo(f"Statements: {len(q.questions)} in all")
    click.echo(f"Warnings: {len(found)}")
