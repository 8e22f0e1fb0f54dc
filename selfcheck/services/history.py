"""The earlier rounds an assessment follows up: their results, read from the database.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import object_session

from selfcheck.core.records import (
    ActionData,
    HistoryEntry,
)
from selfcheck.exchange.team import action_dict, iso
from selfcheck.limits import HISTORY_MAX
from selfcheck.models import Assessment
from selfcheck.services.assessments import load_whole
from selfcheck.services.results import results, revision_key

#: Earlier assessments' results, by results.revision_key (database, id, revision): a
#: follow-up's pages show them on every request, and they change only with a new revision.
_history_cache: dict[tuple[str, int, int], tuple[HistoryEntry, int | None]] = {}
HISTORY_CACHE_MAX = 2048


def history_entries(assessment) -> tuple[HistoryEntry, ...]:
    """Results of the earlier assessments this one follows up, oldest first, exact."""
    session = object_session(assessment)
    chain: list[HistoryEntry] = []
    if session is None:  # a detached object (tests, the CLI): walk the relationship
        earlier = assessment.previous
        while earlier is not None and len(chain) < HISTORY_MAX:
            chain.append(_history_entry(earlier))
            earlier = earlier.previous
        return tuple(reversed(chain))
    earlier_id = assessment.previous_id
    while earlier_id is not None and len(chain) < HISTORY_MAX:
        revision = session.scalar(select(Assessment.revision).where(Assessment.id == earlier_id))
        key = revision_key(session, earlier_id, revision)
        cached = _history_cache.get(key)
        if cached is None:
            earlier = load_whole(session, earlier_id)
            cached = (_history_entry(earlier), earlier.previous_id)
            if len(_history_cache) >= HISTORY_CACHE_MAX:
                _history_cache.clear()
            _history_cache[key] = cached
        entry, earlier_id = cached
        chain.append(entry)
    return tuple(reversed(chain))


def _history_entry(earlier) -> HistoryEntry:
    result = results(earlier)
    return HistoryEntry(
        created_at=iso(earlier.created_at),
        closed_at=iso(earlier.closed_at),
        overall=result.overall,
        scores={t.theme_id: t.score for t in result.themes},
        consensus=result.consensus,
        actions=tuple(ActionData(**action_dict(a)) for a in earlier.actions),
        statements={q.question_id: (t.theme_id, q.mean) for t in result.themes
                    for q in t.questions},
        respondents=result.respondents,
    )
