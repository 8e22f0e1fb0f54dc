"""Rendered reports (PDF and Word files) on disk, keyed on the revision of what they show.
"""

from __future__ import annotations

import hashlib
import logging
import os
from datetime import date
from pathlib import Path

from selfcheck.report.render import renderer_version

logger = logging.getLogger(__name__)


class ReportCache:
    """Rendered PDFs on disk, keyed by a hash of everything the report shows.

    The folder is ``SELFCHECK_REPORT_CACHE_DIR``; several instances may share it (a network
    file system), so any instance serves another's render. A PDF is written to a unique
    temporary file and renamed into place, so a reader never sees half a file, and two
    instances rendering the same key at once each rename a whole, identical file.

    Each file name starts with its assessment's scope (``assessment-12-…``), or its
    organisation's for a chain's PDF (``organisation-3-…``), so deleting an assessment or an
    organisation can remove every PDF rendered of it (:meth:`forget`).
    """

    def __init__(self, folder: Path, keep: int = 200):
        self.folder = Path(folder)
        self.keep = keep

    @staticmethod
    def scope(assessment_id: int) -> str:
        return f"assessment-{int(assessment_id)}"

    @staticmethod
    def organisation_scope(organisation_id: int) -> str:
        return f"organisation-{int(organisation_id)}"

    #: The kinds of file kept here, by the extension a key ends with.
    EXTENSIONS = ("pdf", "docx")

    @staticmethod
    def key(scope: str, content_hash: str, lang: str, today: date, brand: str = "",
            extension: str = "pdf") -> str:
        raw = f"{content_hash}|{lang}|{today.isoformat()}|{renderer_version()}|{brand}"
        return f"{scope}-{hashlib.sha256(raw.encode()).hexdigest()}.{extension}"

    def _files(self, pattern: str) -> list[Path]:
        return [path for extension in self.EXTENSIONS
                for path in self.folder.glob(f"{pattern}.{extension}")]

    def forget(self, scope: str) -> int:
        """Remove every file cached for ``scope``; returns how many there were."""
        removed = 0
        for path in self._files(f"{scope}-*"):
            path.unlink(missing_ok=True)
            removed += 1
        return removed

    def path(self, key: str) -> Path:
        return self.folder / key

    def get(self, key: str) -> bytes | None:
        try:
            return self.path(key).read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            return None

    def get_or_render(self, key: str, render) -> tuple[bytes, bool]:
        """The cached PDF for ``key``, or ``render()`` stored under it; and whether it was
        cached. Concurrent requests for the same key wait for one render instead of each
        starting their own: a lock file per key (``flock``), which holds across threads and
        processes on one machine and on a shared folder."""
        import fcntl

        body = self.get(key)
        if body is not None:
            return body, True
        lock_path = self.folder / f".{key}.lock"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            lock = open(lock_path, "a")  # noqa: SIM115 - closed below, also after a failure
        except OSError as error:
            return self._uncached(render, error), False
        with lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # waits while another request renders it
            try:
                body = self.get(key)
                if body is not None:
                    return body, True
                body = render()
                try:
                    self.put(key, body)
                except OSError as error:  # full, or gone read-only: serve it all the same
                    self._warn(error)
                return body, False
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
                lock_path.unlink(missing_ok=True)

    def _uncached(self, render, error: OSError) -> bytes:
        """The folder cannot be written (full, read-only, missing): the report is rendered
        for this request and not kept, and the log says why."""
        self._warn(error)
        return render()

    def _warn(self, error: OSError) -> None:
        logger.warning("The report cache %s cannot be written (%s): the report is served "
                       "without being cached", self.folder, error.strerror or error)

    def put(self, key: str, body: bytes) -> None:
        import tempfile

        self.folder.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=self.folder, prefix=f".{key}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(body)
            os.chmod(temporary, 0o644)  # mkstemp's 0600 would hide it from another user
            os.replace(temporary, self.path(key))  # atomic: no half-written PDF
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        self._prune()

    def _prune(self) -> None:
        """Keep the newest ``keep`` files; another instance may be pruning the same folder."""
        dated = []
        for path in self._files("*"):
            try:
                dated.append((path.stat().st_mtime, path))
            except FileNotFoundError:
                continue
        dated.sort()
        for _mtime, old in dated[: max(0, len(dated) - self.keep)]:
            old.unlink(missing_ok=True)
