"""Render PDFs in a separate process, so a web worker's threads keep serving pages.

WeasyPrint is pure Python for most of a render (1–1.5 s for a team's report) and holds
the GIL all that time: every other thread of the same gunicorn worker, such as members
pressing Next, would wait. `selfcheck serve` therefore renders in one helper process per
worker (``REPORT_RENDER_POOL``); tests and the CLI render in-process, which is simpler to
observe. The pool is made on first use in each worker (never before gunicorn forks), with
"spawn", because forking a process that runs threads is unsafe.
"""

from __future__ import annotations

import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from typing import Any

_pool: ProcessPoolExecutor | None = None
_lock = threading.Lock()


def _executor() -> ProcessPoolExecutor:
    global _pool
    with _lock:
        if _pool is None:
            _pool = ProcessPoolExecutor(max_workers=1,
                                        mp_context=multiprocessing.get_context("spawn"))
        return _pool


def _import_renderer() -> bool:
    from selfcheck.report import render

    render.font_configuration()
    return True


def warm() -> None:
    """Start the helper process and load WeasyPrint in it now (at worker start), not during
    the first download, which would otherwise wait seconds for it."""
    _executor().submit(_import_renderer)


#: What can be rendered: a kind → (module, function), each taking (data, lang, today, brand).
RENDERERS = {
    "team": ("selfcheck.report.team", "render_pdf"),
    "team_summary": ("selfcheck.report.summary", "render_team_summary"),
    "chain": ("selfcheck.report.chain", "render_pdf"),
    "chain_summary": ("selfcheck.report.summary", "render_chain_summary"),
    "team_docx": ("selfcheck.report.docx", "render_team_docx"),
    "chain_docx": ("selfcheck.report.docx", "render_chain_docx"),
}


def _render(kind: str, data: Any, lang: str, today: Any, brand: Any) -> bytes:
    import importlib

    module, function = RENDERERS[kind]
    return getattr(importlib.import_module(module), function)(data, lang, today, brand)


def render(kind: str, data: Any, lang: str, today: Any, brand: Any, *, in_pool: bool) -> bytes:
    """The document of ``kind`` (RENDERERS), in the helper process when ``in_pool``."""
    return _run(_render, (kind, data, lang, today, brand), in_pool)


def render_team_report(data: Any, lang: str, today: Any, brand: Any, *,
                       in_pool: bool) -> bytes:
    """The team's PDF (report.render_pdf), in the helper process when ``in_pool``."""
    return render("team", data, lang, today, brand, in_pool=in_pool)


def render_chain_report(data: Any, lang: str, today: Any, brand: Any, *,
                        in_pool: bool) -> bytes:
    """The chain's PDF (report/chain.render_pdf), likewise."""
    return render("chain", data, lang, today, brand, in_pool=in_pool)


def _run(function, arguments: tuple, in_pool: bool) -> bytes:
    if not in_pool:
        return function(*arguments)
    try:
        return _executor().submit(function, *arguments).result()
    except Exception as error:  # a broken pool (the helper died): once more, in-process
        from concurrent.futures.process import BrokenProcessPool

        if not isinstance(error, BrokenProcessPool):
            raise
        _reset()
        return function(*arguments)


def _reset() -> None:
    global _pool
    with _lock:
        if _pool is not None:
            _pool.shutdown(wait=False, cancel_futures=True)
        _pool = None
