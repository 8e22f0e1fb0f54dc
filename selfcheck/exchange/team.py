"""The assessment as a portable JSON document (format documented in docs/export-format.md).

The PDF is always built from this document: the web download exports the
assessment first, and ``selfcheck report FILE.json`` does the same offline, so
both give the same report. Names never leave an anonymous assessment.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from fractions import Fraction
from functools import cache
from typing import Any

from selfcheck.core.content import ContentError, Questionnaire, document_hash, parsed_snapshot
from selfcheck.core.exact import exact, exact_or_none
from selfcheck.core.records import (
    REFLECTION_IDS,
    REPORT_SECTIONS,
    ActionData,
    AssessmentData,
    DecisionData,
    HistoryEntry,
    MemberData,
    ReportTexts,
)
from selfcheck.exchange.problems import (
    ExchangeError,
    Problem,
    _clip,
    _short,
    control_problems,
    drop_control_characters,
    keys,
)
from selfcheck.limits import CONTROL_CHARACTERS, OBSERVATION_MAX, REPORT_TEXT_MAX
from selfcheck.resources import resource_path

FORMAT = "selfcheck-assessment"


VERSION = 1


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def action_dict(action) -> dict[str, Any]:
    """An action (a database row or ActionData) as the export writes it."""
    due = action.due_date
    return {"theme_id": action.theme_id, "text": action.text, "owner": action.owner,
            "due_date": due.isoformat() if isinstance(due, date) else due,
            "status": action.status, "suggestion_id": action.suggestion_id}


def _json_number(value: Fraction | None) -> float | None:
    """JSON has no fractions: an export carries the nearest float (docs/export-format.md)."""
    return None if value is None else float(value)


def history_document(history: Sequence[HistoryEntry]) -> list[dict[str, Any]]:
    """The earlier assessments as the export writes them."""
    return [{
        "created_at": entry.created_at,
        "closed_at": entry.closed_at,
        "overall": _json_number(entry.overall),
        "respondents": entry.respondents,
        "themes": [{"theme_id": theme_id, "score": _json_number(score),
                    "consensus": _json_number(entry.consensus.get(theme_id))}
                   for theme_id, score in entry.scores.items()],
        "actions": [action_dict(a) for a in entry.actions],
        "statements": [{"statement_id": statement_id, "theme_id": theme_id,
                        "mean": _json_number(mean)}
                       for statement_id, (theme_id, mean) in entry.statements.items()],
    } for entry in history]


def export_assessment(assessment, history: Sequence[HistoryEntry] = (),
                      exported_at: datetime | None = None,
                      report: ReportTexts | None = None) -> dict[str, Any]:
    """The assessment (an ORM object) as a JSON-ready dict, with the earlier rounds it follows
    up (services/history.py reads them) and the consultant's texts for its report
    (services/report_texts.py); services/exports.py puts them together."""
    members = []
    for index, participant in enumerate(assessment.participants, 1):
        members.append(
            {
                "id": f"member-{index}",
                "name": None if assessment.anonymous else participant.display_name,
                "started_at": iso(participant.started_at),
                "submitted_at": iso(participant.submitted_at),
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
            "created_at": iso(assessment.created_at),
            "closed_at": iso(assessment.closed_at),
            "conditions": assessment.conditions,
        },
        "questionnaire_hash": assessment.questionnaire_hash,
        "questionnaire": assessment.questionnaire,
        "members": members,
        "decisions": [
            {"theme_id": d.theme_id, "consensus": d.consensus, "note": d.note,
             "agreed_to_disagree": d.agreed_to_disagree}
            for d in sorted(assessment.decisions, key=lambda d: d.theme_id)
        ],
        "actions": [action_dict(a) for a in assessment.actions],
        "history": history_document(history),
        "report": report_document(report or ReportTexts()),
    }
    if exported_at is not None:
        document["exported_at"] = exported_at.isoformat()
    return drop_control_characters(document)


def dumps(document: Mapping[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def content_hash(document: Mapping[str, Any]) -> str:
    """A hash of what the document says, leaving out when it was exported."""
    return document_hash({k: v for k, v in document.items() if k != "exported_at"})


def load_export(document: Any, *, trusted: bool = False) -> AssessmentData:
    """Validate an export document and return its data, or raise :class:`ExchangeError`.

    First the published JSON Schema (docs/export-schema.json): shapes, types and
    every size limit, so nothing below reads a number where it expects a list.
    Then the rules a schema cannot say: known themes and statements, answers on
    the questionnaire's own scale, real dates, one decision per recommendation.
    Every problem is reported with its path.
    """
    # ``trusted``: a document export_assessment() has just built in this process (the web
    # report of a chain); the schema check is skipped, the rules below still run.
    problems = [] if trusted else schema_problems(document)
    if problems:
        raise ExchangeError(problems)
    digest, questionnaire = snapshot_of(document)
    meta = document["assessment"]
    conditions = meta.get("conditions")
    if conditions is not None:
        known = {condition.id for condition in questionnaire.conditions}
        for index, name in enumerate(conditions):
            if name not in known:
                problems.append(Problem(("assessment", "conditions", index),
                                        "unknown_condition", {"name": _short(name)}))
        if problems:
            raise ExchangeError(problems)
        # The team was asked only the statements that apply to it (Assessment.conditions).
        questionnaire = parsed_snapshot(digest, lambda: document["questionnaire"],
                                        frozenset(conditions))
    for key in ("created_at", "closed_at"):
        if meta.get(key) is not None and not _is_iso(meta[key], datetime):
            problems.append(Problem(("assessment", key), "not_datetime",
                                    {"value": _short(meta[key])}))
    if digest != document["questionnaire_hash"]:
        problems.append(Problem(("questionnaire_hash",), "hash_mismatch"))
    members = _members(document["members"], questionnaire, meta["anonymous"], problems)
    decisions, actions = _workshop(document, questionnaire, problems)
    history = _history(document.get("history", []), problems)
    report = read_report(document.get("report"), [t.id for t in questionnaire.themes],
                         problems)
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
        conditions=None if conditions is None else tuple(sorted(set(conditions))),
        members=tuple(members),
        decisions=tuple(decisions),
        actions=tuple(actions),
        history=tuple(history),
        report=report,
    )


def snapshot_of(document: Mapping[str, Any]) -> tuple[str, Questionnaire]:
    """The hash and parsed questionnaire of a document's ``questionnaire`` snapshot (an
    assessment's export or a chain's); a snapshot that is no valid questionnaire raises
    ExchangeError with its problems under ``questionnaire``."""
    digest = document_hash(document["questionnaire"])
    try:
        return digest, parsed_snapshot(digest, lambda: document["questionnaire"])
    except ContentError as exc:
        raise ExchangeError([_questionnaire_problem(p) for p in exc.problems]) from exc


@cache
def _schema_validator(name: str = "docs/export-schema.json"):
    from jsonschema import Draft202012Validator

    schema = json.loads(resource_path(name).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _questionnaire_problem(line: str) -> Problem:
    """A problem of the questionnaire inside the file (core/content.py writes it as a line,
    "scale.max: must lie between -100 and 100"; the reason stays in English)."""
    place, sep, reason = line.partition(": ")
    if not sep:
        return Problem(("questionnaire",), "questionnaire", {"reason": line})
    return Problem(("questionnaire", place), "questionnaire", {"reason": reason})


def schema_problems(document: Any, schema: str = "docs/export-schema.json") -> list[Problem]:
    """Every way ``document`` breaks the JSON Schema ``schema`` (by default the assessment
    export's, docs/export-schema.json), each with its path.

    A NUL character anywhere is a problem too: the schema cannot say it, SQLite would
    store it, and PostgreSQL refuses the whole row.
    """
    return [Problem(keys(error.absolute_path), *_describe(error))
            for error in _schema_validator(schema).iter_errors(document)
            ] + control_problems(document)


REQUIRED = " is a required property"  # how jsonschema names the missing key


def _describe(error) -> tuple[str, dict[str, Any]]:
    """The code and parameters of a schema error; they never repeat a huge value back."""
    kind, limit, value = error.validator, error.validator_value, error.instance
    if kind == "maxLength":
        return "max_length", {"length": len(value), "limit": limit}
    if kind in ("maxItems", "maxProperties"):
        return "max_items", {"count": len(value), "limit": limit}
    if kind == "type":
        return "type", {"value": _short(value),
                        "expected": tuple(limit) if isinstance(limit, list) else limit}
    if kind in ("minimum", "maximum"):
        return ("at_least" if kind == "minimum" else "at_most"), {"value": _short(value),
                                                                  "limit": limit}
    if kind == "const" and list(error.absolute_path) == ["version"]:
        return "version", {"value": _short(value), "expected": limit}
    if kind == "const":
        return "must_be", {"value": json.dumps(limit)}
    if kind == "enum":
        return "must_be", {"value": tuple(json.dumps(a) if not isinstance(a, str) else a
                                          for a in limit)}
    if kind == "additionalProperties":
        extra = sorted(set(value) - set(error.schema.get("properties", {})))
        named = ", ".join(_short(k, 40) for k in extra[:5])
        if len(extra) > 5:
            return "unknown_keys", {"keys": named, "more": len(extra) - 5}
        return "unknown_key", {"keys": named}
    if kind == "required" and error.message.endswith(REQUIRED):  # one error per missing key
        return "required", {"key": _clip(error.message.removesuffix(REQUIRED))}
    if kind == "minLength":
        return "empty", {"value": _short(value)}
    if kind == "pattern":
        return "pattern", {"value": _short(value), "pattern": repr(limit)}
    return "schema", {"message": error.message[:200]}


def _is_iso(value: Any, kind: type) -> bool:
    try:
        kind.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return True


def _history(raw: list, problems: list[Problem]) -> list[HistoryEntry]:
    """Earlier results; the schema has checked the shapes."""
    entries = []
    for i, item in enumerate(raw):
        path = ("history", i)
        for key in ("created_at", "closed_at"):
            if item.get(key) is not None and not _is_iso(item[key], datetime):
                problems.append(Problem((*path, key), "not_datetime",
                                        {"value": _short(item[key])}))
        scores = {t["theme_id"]: exact_or_none(t["score"]) for t in item["themes"]}
        consensus = {t["theme_id"]: exact(t["consensus"]) for t in item["themes"]
                     if t["consensus"] is not None}
        actions = tuple(_action(a, (*path, "actions", j), problems)
                        for j, a in enumerate(item["actions"]))
        statements = {q["statement_id"]: (q["theme_id"], exact_or_none(q["mean"]))
                      for q in item.get("statements", [])}
        entries.append(HistoryEntry(item["created_at"], item.get("closed_at"),
                                    exact_or_none(item["overall"]), scores, consensus, actions,
                                    statements, item.get("respondents")))
    return entries


def _action(raw: Mapping[str, Any], path: tuple, problems: list[Problem]) -> ActionData:
    if raw["due_date"] is not None and not _is_date(raw["due_date"]):
        problems.append(Problem((*path, "due_date"), "not_date",
                                {"value": _short(raw["due_date"])}))
    return ActionData(raw["theme_id"], raw["text"], raw["owner"], raw["due_date"],
                      raw["status"], raw.get("suggestion_id"))


def _is_date(value: str) -> bool:
    """A calendar date written YYYY-MM-DD (what the export writes and forms accept)."""
    return len(value) == 10 and _is_iso(value, date)


def _workshop(document: Mapping[str, Any], questionnaire: Questionnaire,
              problems: list[Problem]) -> tuple[list[DecisionData], list[ActionData]]:
    theme_ids = {t.id for t in questionnaire.themes}
    scale = questionnaire.scale
    decisions, actions = [], []
    seen: dict[str, int] = {}
    for i, raw in enumerate(document.get("decisions", [])):
        path = ("decisions", i)
        theme_id, consensus = raw["theme_id"], raw["consensus"]
        if theme_id not in theme_ids:
            problems.append(Problem((*path, "theme_id"), "not_a_recommendation",
                                    {"value": _short(theme_id)}))
            continue
        if theme_id in seen:
            problems.append(Problem((*path, "theme_id"), "decision_twice",
                                    {"theme": theme_id, "other": f"decisions[{seen[theme_id]}]"}))
            continue
        seen[theme_id] = i
        if consensus is not None and not scale.min <= consensus <= scale.max:
            problems.append(Problem((*path, "consensus"), "off_score", {
                "value": _short(consensus), "min": scale.min, "max": scale.max}))
            continue
        decisions.append(DecisionData(theme_id, consensus, raw["note"],
                                      raw["agreed_to_disagree"]))
    for i, raw in enumerate(document.get("actions", [])):
        path = ("actions", i)
        if raw["theme_id"] not in theme_ids:
            problems.append(Problem((*path, "theme_id"), "not_a_recommendation",
                                    {"value": _short(raw["theme_id"])}))
            continue
        actions.append(_action(raw, path, problems))
    return decisions, actions


def _members(raw: list, questionnaire: Questionnaire, anonymous: bool,
             problems: list[Problem]) -> list[MemberData]:
    question_ids = {q.id for q in questionnaire.questions}
    theme_ids = {t.id for t in questionnaire.themes}
    scale = set(questionnaire.scale.values)
    members = []
    seen: dict[str, int] = {}
    for i, member in enumerate(raw):
        path = ("members", i)
        if member["id"] in seen:
            problems.append(Problem((*path, "id"), "member_twice", {
                "id": member["id"], "other": f"members[{seen[member['id']]}]"}))
        seen.setdefault(member["id"], i)
        answers, comments = member["answers"], member["comments"]
        for qid, value in answers.items():
            if qid not in question_ids:
                problems.append(Problem((*path, "answers", _clip(qid)), "unknown_statement"))
            elif value is not None and value not in scale:
                problems.append(Problem((*path, "answers", qid), "off_scale", {
                    "value": repr(value), "min": min(scale), "max": max(scale)}))
        for tid in comments:
            if tid not in theme_ids:
                problems.append(Problem((*path, "comments", _clip(tid)),
                                        "unknown_recommendation"))
        for key in ("started_at", "submitted_at"):
            if member.get(key) is not None and not _is_iso(member[key], datetime):
                problems.append(Problem((*path, key), "not_datetime",
                                        {"value": _short(member[key])}))
        members.append(
            MemberData(
                id=member["id"],
                name=None if anonymous else member["name"],
                submitted=bool(member.get("submitted_at")),
                answers=dict(answers),
                comments=dict(comments),
            )
        )
    return members


# ----------------------------------------------------------------------------- report texts
# The consultant's own words (core/records.ReportTexts): the same rules for a form on the
# "Rapport" page (services/report_texts.py), a team's export and a chain's.

def control_character(text: str) -> str | None:
    """The first character of ``text`` that may not be stored (limits.CONTROL_CHARACTERS),
    written U+001B, so the message can name it; or None."""
    found = CONTROL_CHARACTERS.search(text)
    return f"U+{ord(found.group()):04X}" if found else None


def report_document(texts: ReportTexts) -> dict[str, Any]:
    """The texts as the export writes them: every key, empty texts as ""."""
    return {"conclusion": texts.conclusion,
            "observations": dict(texts.observations),
            "next_steps": texts.next_steps,
            "reflections": {r: texts.reflections[r] for r in REFLECTION_IDS
                            if texts.reflections.get(r)},
            "sections": [s for s in REPORT_SECTIONS if s in texts.sections]}


def report_problems(texts: ReportTexts, theme_ids: Sequence[str],
                    path: tuple = ("report",)) -> list[Problem]:
    """Every way ``texts`` breaks the rules, each with its path (``("report",
    "observations", "goals")``): a text too long or holding a control character, a theme,
    reflection or section that does not exist."""
    problems: list[Problem] = []

    def check(text: Any, at: tuple, limit: int) -> None:
        if not isinstance(text, str):
            problems.append(Problem(at, "type", {"value": _short(text), "expected": "string"}))
            return
        if len(text) > limit:
            problems.append(Problem(at, "text_too_long", {"length": len(text), "limit": limit}))
        character = control_character(text)
        if character is not None:
            problems.append(Problem(at, "text_control_character", {"character": character}))

    check(texts.conclusion, (*path, "conclusion"), REPORT_TEXT_MAX)
    check(texts.next_steps, (*path, "next_steps"), REPORT_TEXT_MAX)
    known_themes = set(theme_ids)
    for theme_id, text in texts.observations.items():
        at = (*path, "observations", _clip(str(theme_id)))
        if theme_id not in known_themes:
            problems.append(Problem(at, "not_a_recommendation", {"value": _short(theme_id)}))
            continue
        check(text, at, OBSERVATION_MAX)
    for reflection_id, text in texts.reflections.items():
        at = (*path, "reflections", _clip(str(reflection_id)))
        if reflection_id not in REFLECTION_IDS:
            problems.append(Problem(at, "unknown_reflection", {"value": _short(reflection_id)}))
            continue
        check(text, at, REPORT_TEXT_MAX)
    for index, section in enumerate(texts.sections):
        if section not in REPORT_SECTIONS:
            problems.append(Problem((*path, "sections", index), "unknown_section",
                                    {"value": _short(section)}))
    return problems


def read_report(raw: Any, theme_ids: Sequence[str], problems: list[Problem],
                path: tuple = ("report",)) -> ReportTexts:
    """The ``report`` object of a document as ReportTexts; a document without one (made
    before the texts existed) has none. The shapes are checked here too, for the
    organisation's export, which has no schema. Problems go to ``problems``."""
    if raw is None:
        return ReportTexts()
    found: list[Problem] = []

    def typed(value: Any, kind: type, at: tuple, expected: str) -> bool:
        if isinstance(value, kind):
            return True
        found.append(Problem(at, "type", {"value": _short(value), "expected": expected}))
        return False

    if not typed(raw, Mapping, path, "object"):
        problems.extend(found)
        return ReportTexts()
    unknown = sorted(set(raw) - {"conclusion", "observations", "next_steps", "reflections",
                                 "sections"})
    if unknown:
        found.append(Problem(path, "unknown_key",
                             {"keys": ", ".join(_short(k, 40) for k in unknown[:5])}))
    texts = {key: raw.get(key, "") for key in ("conclusion", "next_steps")}
    maps = {key: raw.get(key, {}) for key in ("observations", "reflections")}
    sections = raw.get("sections", list(REPORT_SECTIONS))
    shaped = all([typed(texts[k], str, (*path, k), "string") for k in texts]
                 + [typed(maps[k], Mapping, (*path, k), "object") for k in maps]
                 + [typed(sections, list, (*path, "sections"), "array")])
    if not shaped:
        problems.extend(found)
        return ReportTexts()
    given = ReportTexts(texts["conclusion"], {k: v for k, v in maps["observations"].items()},
                        texts["next_steps"], {k: v for k, v in maps["reflections"].items()},
                        tuple(sections))
    found += report_problems(given, theme_ids, path)
    problems.extend(found)
    if found:
        return ReportTexts()
    return ReportTexts(
        conclusion=given.conclusion,
        observations={k: v for k, v in given.observations.items() if v},
        next_steps=given.next_steps,
        reflections={r: given.reflections[r] for r in REFLECTION_IDS if given.reflections.get(r)},
        sections=tuple(s for s in REPORT_SECTIONS if s in given.sections))
