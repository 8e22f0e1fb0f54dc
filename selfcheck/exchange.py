"""The assessment as a portable JSON document (format documented in docs/export-format.md).

The PDF is always built from this document: the web download exports the
assessment first, and ``selfcheck report FILE.json`` does the same offline, so
both give the same report. Names never leave an anonymous assessment.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from .content import ContentError, Questionnaire, document_hash, parse_questionnaire

FORMAT = "selfcheck-assessment"
VERSION = 1


class ExchangeError(Exception):
    """An export file cannot be used; ``problems`` says every reason."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class MemberData:
    id: str
    name: str | None
    submitted: bool
    answers: Mapping[str, int | None]
    comments: Mapping[str, str]


@dataclass(frozen=True)
class DecisionData:
    theme_id: str
    consensus: float | None
    note: str
    agreed_to_disagree: bool


@dataclass(frozen=True)
class ActionData:
    theme_id: str
    text: str
    owner: str
    due_date: str | None
    status: str
    suggestion_id: str | None


@dataclass(frozen=True)
class HistoryEntry:
    """An earlier assessment of the same team: its results, not its answers."""

    created_at: str
    closed_at: str | None
    overall: float | None
    scores: Mapping[str, float | None]
    consensus: Mapping[str, float]
    actions: tuple[ActionData, ...]


@dataclass(frozen=True)
class AssessmentData:
    """Everything a report shows, independent of the database."""

    organisation: str
    team: str
    language: str
    anonymous: bool
    status: str
    created_at: str
    closed_at: str | None
    questionnaire: Questionnaire
    questionnaire_document: Mapping[str, Any]
    members: tuple[MemberData, ...]
    decisions: tuple[DecisionData, ...] = ()
    actions: tuple[ActionData, ...] = ()
    history: tuple[HistoryEntry, ...] = ()  # earlier assessments, oldest first

    @property
    def consensus(self) -> dict[str, float]:
        return {d.theme_id: d.consensus for d in self.decisions if d.consensus is not None}

    def decision(self, theme_id: str) -> DecisionData | None:
        return next((d for d in self.decisions if d.theme_id == theme_id), None)

    @property
    def submitted_members(self) -> tuple[MemberData, ...]:
        return tuple(m for m in self.members if m.submitted)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


MAX_HISTORY = 10


def _action_dict(action) -> dict[str, Any]:
    return {"theme_id": action.theme_id, "text": action.text, "owner": action.owner,
            "due_date": action.due_date.isoformat() if action.due_date else None,
            "status": action.status, "suggestion_id": action.suggestion_id}


def history_of(assessment) -> list[dict[str, Any]]:
    """Results of the earlier assessments this one follows up, oldest first."""
    from .assessments import results

    chain = []
    earlier = assessment.previous
    while earlier is not None and len(chain) < MAX_HISTORY:
        result = results(earlier)
        chain.append({
            "created_at": _iso(earlier.created_at),
            "closed_at": _iso(earlier.closed_at),
            "overall": result.overall,
            "themes": [{"theme_id": t.theme_id, "score": t.score, "consensus": t.consensus}
                       for t in result.themes],
            "actions": [_action_dict(a) for a in earlier.actions],
        })
        earlier = earlier.previous
    return list(reversed(chain))


def history_entries(assessment) -> tuple[HistoryEntry, ...]:
    """The earlier assessments as the report reads them from an export file."""
    problems: list[str] = []
    entries = _history(history_of(assessment), problems)
    assert not problems, problems
    return tuple(entries)


def export_assessment(assessment, exported_at: datetime | None = None) -> dict[str, Any]:
    """The assessment (an ORM object) as a JSON-ready dict."""
    members = []
    for index, participant in enumerate(assessment.participants, 1):
        members.append(
            {
                "id": f"member-{index}",
                "name": None if assessment.anonymous else participant.display_name,
                "started_at": _iso(participant.started_at),
                "submitted_at": _iso(participant.submitted_at),
                "answers": {a.question_id: a.value for a in
                            sorted(participant.answers, key=lambda a: a.question_id)},
                "comments": {c.theme_id: c.text for c in
                             sorted(participant.comments, key=lambda c: c.theme_id)},
            }
        )
    document = {
        "format": FORMAT,
        "version": VERSION,
        "assessment": {
            "organisation": assessment.organisation,
            "team": assessment.team,
            "language": assessment.language,
            "anonymous": assessment.anonymous,
            "reveal": assessment.reveal,
            "status": assessment.status,
            "created_at": _iso(assessment.created_at),
            "closed_at": _iso(assessment.closed_at),
        },
        "questionnaire_hash": assessment.questionnaire_hash,
        "questionnaire": assessment.questionnaire,
        "members": members,
        "decisions": [
            {"theme_id": d.theme_id, "consensus": d.consensus, "note": d.note,
             "agreed_to_disagree": d.agreed_to_disagree}
            for d in sorted(assessment.decisions, key=lambda d: d.theme_id)
        ],
        "actions": [_action_dict(a) for a in assessment.actions],
        "history": history_of(assessment),
    }
    if exported_at is not None:
        document["exported_at"] = exported_at.isoformat()
    return document


def dumps(document: Mapping[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def content_hash(document: Mapping[str, Any]) -> str:
    """A hash of what the document says, leaving out when it was exported."""
    return document_hash({k: v for k, v in document.items() if k != "exported_at"})


def load_export(document: Any) -> AssessmentData:
    """Validate an export document and return its data, or raise :class:`ExchangeError`."""
    problems: list[str] = []
    if not isinstance(document, Mapping):
        raise ExchangeError(["the file is not a JSON object"])
    if document.get("format") != FORMAT:
        problems.append(f'format: must be "{FORMAT}"')
    if document.get("version") != VERSION:
        found = document.get("version")
        problems.append(f"version: {found!r} is not supported (expected {VERSION})")
    if problems:
        raise ExchangeError(problems)
    try:
        questionnaire = parse_questionnaire(document.get("questionnaire") or {})
    except ContentError as exc:
        raise ExchangeError([f"questionnaire.{p}" for p in exc.problems]) from exc
    meta = document.get("assessment")
    if not isinstance(meta, Mapping):
        raise ExchangeError(["assessment: missing"])
    for key in ("organisation", "team", "language", "status", "created_at"):
        if not isinstance(meta.get(key), str):
            problems.append(f"assessment.{key}: must be a string")
    if isinstance(meta.get("created_at"), str) and not _is_iso(meta["created_at"], datetime):
        problems.append("assessment.created_at: not a date and time")
    if meta.get("language") not in ("da", "en"):
        problems.append("assessment.language: must be da or en")
    if not isinstance(meta.get("anonymous"), bool):
        problems.append("assessment.anonymous: must be true or false")
    if document.get("questionnaire_hash") not in (None, document_hash(document["questionnaire"])):
        problems.append("questionnaire_hash: does not match the questionnaire")
    members = _members(document.get("members"), questionnaire, bool(meta.get("anonymous")),
                       problems)
    decisions, actions = _workshop(document, questionnaire, problems)
    history = _history(document.get("history") or [], problems)
    if problems:
        raise ExchangeError(problems)
    return AssessmentData(
        organisation=meta["organisation"],
        team=meta["team"],
        language=meta["language"],
        anonymous=meta["anonymous"],
        status=meta["status"],
        created_at=meta["created_at"],
        closed_at=meta.get("closed_at"),
        questionnaire=questionnaire,
        questionnaire_document=document["questionnaire"],
        members=tuple(members),
        decisions=tuple(decisions),
        actions=tuple(actions),
        history=tuple(history),
    )


def _is_iso(value: Any, kind: type) -> bool:
    try:
        kind.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return True


def _number_or_none(value: Any) -> bool:
    return value is None or (isinstance(value, int | float) and not isinstance(value, bool))


def _history(raw: Any, problems: list[str]) -> list[HistoryEntry]:
    if not isinstance(raw, list):
        problems.append("history: must be a list")
        return []
    entries = []
    for i, item in enumerate(raw):
        path = f"history[{i}]"
        themes = item.get("themes") if isinstance(item, Mapping) else None
        if not isinstance(themes, list) or not isinstance(item.get("created_at"), str):
            problems.append(f"{path}: needs created_at and a list of themes")
            continue
        scores, consensus = {}, {}
        for theme in themes:
            if not isinstance(theme, Mapping) or not isinstance(theme.get("theme_id"), str) \
                    or not _number_or_none(theme.get("score")) \
                    or not _number_or_none(theme.get("consensus")):
                problems.append(f"{path}.themes: each needs theme_id, score and consensus")
                break
            scores[theme["theme_id"]] = theme.get("score")
            if theme.get("consensus") is not None:
                consensus[theme["theme_id"]] = theme["consensus"]
        actions = tuple(
            ActionData(a.get("theme_id", ""), str(a.get("text") or ""), str(a.get("owner") or ""),
                       a.get("due_date"), a.get("status", "planned"), a.get("suggestion_id"))
            for a in item.get("actions") or [] if isinstance(a, Mapping)
        )
        entries.append(HistoryEntry(item["created_at"], item.get("closed_at"),
                                    item.get("overall"), scores, consensus, actions))
    return entries


def _workshop(document: Mapping[str, Any], questionnaire: Questionnaire,
              problems: list[str]) -> tuple[list[DecisionData], list[ActionData]]:
    theme_ids = {t.id for t in questionnaire.themes}
    decisions, actions = [], []
    for i, raw in enumerate(document.get("decisions") or []):
        path = f"decisions[{i}]"
        consensus = raw.get("consensus") if isinstance(raw, Mapping) else None
        if not isinstance(raw, Mapping) or raw.get("theme_id") not in theme_ids:
            problems.append(f"{path}.theme_id: unknown theme")
            continue
        if consensus is not None and (isinstance(consensus, bool) or not isinstance(
                consensus, int | float) or not 1 <= consensus <= 5):
            problems.append(f"{path}.consensus: {consensus!r} is not a score from 1 to 5")
            continue
        decisions.append(DecisionData(raw["theme_id"], consensus, str(raw.get("note") or ""),
                                      bool(raw.get("agreed_to_disagree"))))
    for i, raw in enumerate(document.get("actions") or []):
        path = f"actions[{i}]"
        if not isinstance(raw, Mapping) or raw.get("theme_id") not in theme_ids:
            problems.append(f"{path}.theme_id: unknown theme")
            continue
        if raw.get("status") not in ("planned", "started", "done"):
            problems.append(f"{path}.status: must be planned, started or done")
            continue
        if raw.get("due_date") is not None and not _is_iso(raw["due_date"], date):
            problems.append(f"{path}.due_date: {raw['due_date']!r} is not a date (YYYY-MM-DD)")
            continue
        actions.append(ActionData(raw["theme_id"], str(raw.get("text") or ""),
                                  str(raw.get("owner") or ""), raw.get("due_date"),
                                  raw["status"], raw.get("suggestion_id")))
    return decisions, actions


def _members(raw: Any, questionnaire: Questionnaire, anonymous: bool,
             problems: list[str]) -> list[MemberData]:
    if not isinstance(raw, list):
        problems.append("members: must be a list")
        return []
    question_ids = {q.id for q in questionnaire.questions}
    theme_ids = {t.id for t in questionnaire.themes}
    scale = set(questionnaire.scale.values)
    members = []
    for i, member in enumerate(raw):
        path = f"members[{i}]"
        if not isinstance(member, Mapping):
            problems.append(f"{path}: must be an object")
            continue
        answers = member.get("answers", {})
        comments = member.get("comments", {})
        if not isinstance(answers, Mapping) or not isinstance(comments, Mapping):
            problems.append(f"{path}: answers and comments must be objects")
            continue
        for qid, value in answers.items():
            if qid not in question_ids:
                problems.append(f"{path}.answers.{qid}: unknown statement")
            elif value is not None and (isinstance(value, bool) or value not in scale):
                problems.append(f"{path}.answers.{qid}: {value!r} is not on the scale")
        for tid, text in comments.items():
            if tid not in theme_ids or not isinstance(text, str):
                problems.append(f"{path}.comments.{tid}: unknown theme or not text")
        for key in ("started_at", "submitted_at"):
            if member.get(key) is not None and not _is_iso(member[key], datetime):
                problems.append(f"{path}.{key}: {member[key]!r} is not a date and time")
        name = member.get("name")
        members.append(
            MemberData(
                id=str(member.get("id", f"member-{i + 1}")),
                name=None if anonymous or not isinstance(name, str) else name,
                submitted=bool(member.get("submitted_at")),
                answers=dict(answers),
                comments=dict(comments),
            )
        )
    return members
