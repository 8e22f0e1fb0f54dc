"""Organisations: a leadership chain of levels, each with teams that are ordinary assessments.

Service functions take the session first and commit once, like assessments.py.

Tokens: an organisation has its own capability token (stored as a hash). A team's
facilitator token is derived from the organisation's token and a random nonce
stored with the team, so the organisation page can show every team's join link
and join code for distribution without storing them. The organisation page never
shows or opens a team's facilitator page: those links are shown once, when the
teams are created, to the consultant who created them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from selfcheck.core.chain import ChainResult, TeamInput, compare_chain
from selfcheck.core.content import Questionnaire
from selfcheck.core.tokens import hash_token, join_code_for, join_token_for, new_token
from selfcheck.exchange.problems import ExchangeError, Line, Problem
from selfcheck.limits import LEVEL_NAME_MAX, MAX_LEVELS, MAX_TEAMS, ORGANISATION_MAX, TEAM_MAX
from selfcheck.models import Answer, Assessment, Level, Organisation, Participant, utcnow
from selfcheck.services import assessments, report_texts
from selfcheck.services import results as result_service
from selfcheck.services.secrets import find_by_secret

# A change the organisation cannot take raises ExchangeError (exchange/problems.py): its
# problems carry codes, and the page shows them in the reader's language.


@dataclass(frozen=True)
class NewTeam:
    level_position: int  # 1 = top
    name: str
    anonymous: bool = True
    language: str = "da"


@dataclass(frozen=True)
class CreatedTeam:
    """A team just created, with its secrets: shown once to the consultant."""

    assessment: Assessment
    facilitator_token: str
    join_token: str
    code: str | None


def team_facilitator_token(organisation_token: str, nonce: str) -> str:
    digest = hmac.new(organisation_token.encode("utf-8"), f"team {nonce}".encode("ascii"),
                      hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def default_levels(questionnaire: Questionnaire) -> list[LevelSpec]:
    """A new organisation's levels: the content's [[chain.levels]], else one Direktion."""
    return [(level.name.da, level.name.en, level.conditions) for level in questionnaire.levels
            ] or [("Direktion", "Executive board", None)]


#: A level to create: its Danish and English names, and the conditions that hold for its
#: teams (None: all of them).
LevelSpec = tuple[str, str] | tuple[str, str, Sequence[str] | None]


def create_organisation(session: Session, *, name: str, language: str,
                        levels: Sequence[LevelSpec]) -> tuple[Organisation, str]:
    """A new organisation with ``levels`` (top first)."""
    name = name.strip()
    if not name or len(name) > ORGANISATION_MAX:
        raise ExchangeError.one("organisation_name", max=ORGANISATION_MAX)
    token = new_token()
    organisation = Organisation(name=name, language=language, token_hash=hash_token(token))
    organisation.levels = [_level(i, *spec) for i, spec in enumerate(levels, 1)]
    if not 1 <= len(organisation.levels) <= MAX_LEVELS:
        raise ExchangeError.one("levels_count", max=MAX_LEVELS)
    session.add(organisation)
    session.commit()
    return organisation, token


def _level(position: int, da: str, en: str, conditions: Sequence[str] | None = None) -> Level:
    da, en = da.strip(), (en.strip() or da.strip())
    if not da or len(da) > LEVEL_NAME_MAX or len(en) > LEVEL_NAME_MAX:
        raise ExchangeError.one("level_name", max=LEVEL_NAME_MAX)
    return Level(position=position, name_da=da, name_en=en,
                 conditions=None if conditions is None else sorted(set(conditions)))


def set_level_conditions(session: Session, level: Level, conditions: Sequence[str],
                         questionnaire: Questionnaire) -> None:
    """Say which conditions hold for the level's teams, and so which statements they are
    asked (docs/organisations.md). Only while nobody on the level has joined: the answers
    already given were given to the statements asked then."""
    known = {condition.id for condition in questionnaire.conditions}
    unknown = sorted(set(conditions) - known)
    if unknown:
        raise ExchangeError.one("unknown_condition", name=unknown[0][:40])
    if any(team.participants for team in level.teams):
        raise ExchangeError.one("level_has_members")
    level.conditions = sorted(set(conditions))
    for team in level.teams:
        team.conditions = list(level.conditions)
        team.revision += 1
    session.commit()


def find_by_token(session: Session, token: str) -> Organisation | None:
    """The organisation of an organisation link."""
    return find_by_secret(session, Organisation, Organisation.token_hash, token)


def load_chain(session: Session, organisation_id: int, *, with_answers: bool = False
               ) -> Organisation:
    """The organisation with its levels, teams, members and decisions, in a fixed number of
    statements whatever the size of the chain (no lazy load per team or member).

    Answers are not loaded as objects here: the comparison reads them as plain rows
    (:func:`compare`), which is many times faster for hundreds of members.
    """
    participants = selectinload(Assessment.participants)
    if with_answers:  # for the export: every answer and comment, still in fixed statements
        participants = participants.options(selectinload(Participant.answers),
                                            selectinload(Participant.comments))
    # The teams of a chain share one questionnaire snapshot (models.QuestionnaireSnapshot),
    # read only for a hash not parsed yet (assessments.questionnaire_of), or for the export.
    return session.scalars(
        select(Organisation).where(Organisation.id == organisation_id).options(
            selectinload(Organisation.levels).selectinload(Level.teams).options(
                *((selectinload(Assessment.snapshot), selectinload(Assessment.report_text))
                  if with_answers else ()), participants,
                selectinload(Assessment.decisions), selectinload(Assessment.actions),
            ))
    ).one()


def _submitted_answers(session: Session, organisation: Organisation
                       ) -> dict[int, dict[int, dict[str, int | None]]]:
    """Team id → submitted member id → their answers, in one statement for the whole chain."""
    team_ids = [team.id for level in organisation.levels for team in level.teams]
    answers: dict[int, dict[int, dict[str, int | None]]] = {team_id: {} for team_id in team_ids}
    if not team_ids:
        return answers
    rows = session.execute(
        select(Participant.assessment_id, Participant.id, Answer.question_id, Answer.value)
        .join(Answer, Answer.participant_id == Participant.id)
        .where(Participant.assessment_id.in_(team_ids), Participant.submitted_at.is_not(None)))
    for team_id, member_id, question_id, value in rows:
        answers[team_id].setdefault(member_id, {})[question_id] = value
    return answers


def add_level(session: Session, organisation: Organisation, da: str | None = None,
              en: str | None = None) -> Level:
    """A new level at the bottom of the chain; without a name it is called "Niveau 5" /
    "Level 5" (:func:`default_level_names`), a name the user renames on the page."""
    if len(organisation.levels) >= MAX_LEVELS:
        raise ExchangeError.one("levels_max", max=MAX_LEVELS)
    if da is None:
        da, en = default_level_names(organisation)
    level = _level(len(organisation.levels) + 1, da, en or "")
    organisation.levels.append(level)
    session.commit()
    return level


def default_level_names(organisation: Organisation) -> tuple[str, str]:
    """The Danish and English name of a level added at the bottom: "Niveau n" / "Level n",
    n its place in the chain, or the next number whose names no level has yet (a team list
    names levels by name, so two levels must not share one)."""
    taken = {name.strip().casefold() for level in organisation.levels
             for name in (level.name_da, level.name_en)}
    number = len(organisation.levels) + 1
    while f"niveau {number}" in taken or f"level {number}" in taken:
        number += 1
    return f"Niveau {number}", f"Level {number}"


def rename_level(session: Session, level: Level, da: str, en: str) -> None:
    renamed = _level(level.position, da, en)
    level.name_da, level.name_en = renamed.name_da, renamed.name_en
    session.commit()


def move_level(session: Session, organisation: Organisation, level: Level, step: int) -> None:
    """Move a level one place up (-1) or down (+1) in the chain."""
    levels = list(organisation.levels)
    index = levels.index(level)
    other = index + step
    if not 0 <= other < len(levels):
        return
    levels[index], levels[other] = levels[other], levels[index]
    for position, item in enumerate(levels, 1):
        item.position = -position  # two passes: no clash on the way
    session.flush()
    for item in levels:
        item.position = -item.position
    session.commit()


def delete_level(session: Session, organisation: Organisation, level: Level) -> None:
    if level.teams:
        raise ExchangeError.one("level_has_teams")
    if len(organisation.levels) == 1:
        raise ExchangeError.one("last_level")
    organisation.levels.remove(level)
    for position, item in enumerate(organisation.levels, 1):
        item.position = position
    session.commit()


def add_teams(session: Session, organisation: Organisation, organisation_token: str,
              document: Mapping[str, Any], teams: Sequence[NewTeam]) -> list[CreatedTeam]:
    """Create every team as an assessment on its level, in one commit; all or nothing."""
    existing = sum(len(level.teams) for level in organisation.levels)
    if existing + len(teams) > MAX_TEAMS:
        raise ExchangeError.one("organisation_teams_max", max=MAX_TEAMS)
    by_position = {level.position: level for level in organisation.levels}
    created = []
    for team in teams:
        level = by_position.get(team.level_position)
        name = team.name.strip()
        if level is None:
            raise ExchangeError.one("no_such_level", number=team.level_position)
        if not name or len(name) > TEAM_MAX:
            raise ExchangeError.one("team_name", max=TEAM_MAX)
        nonce = secrets.token_hex(16)
        facilitator_token = team_facilitator_token(organisation_token, nonce)
        assessment = Assessment(
            organisation=organisation.name, team=name, language=team.language,
            anonymous=team.anonymous, reveal="when_revealed", status="open",
            questionnaire_hash=assessments.store_snapshot(session, document),
            facilitator_token_hash=hash_token(facilitator_token),
            join_token_hash=hash_token(join_token_for(facilitator_token)),
            team_nonce=nonce, conditions=level.conditions)
        assessments.assign_join_code(session, assessment, facilitator_token)
        level.teams.append(assessment)
        session.add(assessment)
        session.flush()  # the next team's code must not clash with this one
        created.append(CreatedTeam(assessment, facilitator_token,
                                   join_token_for(facilitator_token),
                                   assessments.join_code_of(assessment, facilitator_token)))
    session.commit()
    return created


@dataclass(frozen=True)
class TeamLink:
    level: Level
    team: Assessment
    join_token: str
    code: str | None


def team_links(organisation: Organisation, organisation_token: str) -> list[TeamLink]:
    """Every team's join link token and code, derived again from the organisation's token."""
    links = []
    for level in organisation.levels:
        for team in level.teams:
            if team.team_nonce is None:
                continue
            facilitator_token = team_facilitator_token(organisation_token, team.team_nonce)
            code = join_code_for(facilitator_token, team.join_code_attempt) \
                if team.join_code_hash else None
            links.append(TeamLink(level, team, join_token_for(facilitator_token), code))
    return links


def created_teams(organisation: Organisation, facilitator_tokens: Sequence[str]
                  ) -> list[CreatedTeam] | None:
    """The teams of ``organisation`` whose facilitator links are ``facilitator_tokens``, in that
    order, with their links: for the download of the page shown when they were created, which
    sends back the links it shows. None when a token opens no team of this organisation: the
    download holds only links its holder already has, never another team's."""
    by_hash = {team.facilitator_token_hash: team for level in organisation.levels
               for team in level.teams}
    created = []
    for token in facilitator_tokens:
        team = by_hash.get(hash_token(token)) if 0 < len(token) <= 100 else None
        if team is None:
            return None
        join_token = join_token_for(token)
        created.append(CreatedTeam(team, token, join_token,
                                   assessments.join_code_of(team, token)))
    return created


def parse_team_list(text: str, levels: Sequence[Level], lang: str) -> list[tuple[int, str]]:
    """Teams pasted one per line as "level; team" (or "team" for the top level).

    The level is its name in either language or its number. Raises ExchangeError
    naming every line that cannot be read.
    """
    names = {}
    for level in levels:
        for key in (level.name_da, level.name_en, str(level.position)):
            names[key.strip().casefold()] = level.position
    teams, problems = [], []
    lines = text.splitlines()
    if len(lines) > MAX_TEAMS:
        raise ExchangeError.one("too_many_lines", max=MAX_TEAMS)
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        if ";" in line or "\t" in line:
            level_name, _sep, team = line.replace("\t", ";").partition(";")
            position = names.get(level_name.strip().casefold())
            if position is None:
                problems.append(Problem((Line(number),), "unknown_level",
                                        {"name": level_name.strip()[:40]}))
                continue
        else:
            position, team = levels[0].position, line
        team = team.strip()
        if not team or len(team) > TEAM_MAX:
            problems.append(Problem((Line(number),), "team_name", {"max": TEAM_MAX}))
            continue
        teams.append((position, team))
    if problems:
        raise ExchangeError(problems)
    if not teams:
        raise ExchangeError.one("no_teams")
    return teams


# ----------------------------------------------------------------------------- comparison


def questionnaire_for(organisation: Organisation, fallback: Questionnaire) -> Questionnaire:
    """The questionnaire the teams answered (the first team's snapshot), else the current one."""
    for level in organisation.levels:
        for team in level.teams:
            return assessments.questionnaire_of(team)
    return fallback


def compare(session: Session, organisation: Organisation,
            questionnaire: Questionnaire) -> ChainResult:
    """The comparison of an organisation loaded with load_chain() (scores from core/scoring.py)."""
    answers = _submitted_answers(session, organisation)
    inputs = []
    for index, level in enumerate(organisation.levels):
        for team in level.teams:
            members = answers[team.id]
            submitted = tuple(members.get(p.id, {}) for p in team.participants
                              if p.submitted_at is not None)
            inputs.append(TeamInput(team.team, index, team.anonymous,
                                    assessments.questionnaire_of(team), submitted,
                                    result_service.consensus_of(team)))
    return compare_chain(len(organisation.levels), questionnaire, inputs)


def import_organisation(session: Session, document: Mapping[str, Any], data) -> tuple[
        Organisation, str]:
    """Create an organisation from a validated export
    (exchange/organisation.load_organisation_export), with new links, in one commit."""
    token = new_token()
    organisation = Organisation(name=data.name, language=data.language,
                                token_hash=hash_token(token))
    organisation.levels = [_level(i, level.name_da, level.name_en)
                           for i, level in enumerate(data.levels, 1)]
    report_texts.restore(organisation, data.report)
    session.add(organisation)
    session.flush()
    for level, raw_level, level_data in zip(organisation.levels, document["levels"], data.levels,
                                            strict=True):
        for raw_team, team_data in zip(raw_level["teams"], level_data.teams, strict=True):
            nonce = secrets.token_hex(16)
            team, _links = assessments.import_document(
                session, raw_team, team_data,
                facilitator_token=team_facilitator_token(token, nonce), commit=False)
            team.team_nonce = nonce
            team.level = level
    session.commit()
    return organisation, token


def start_follow_up(session: Session, organisation: Organisation, organisation_token: str,
                    document: Mapping[str, Any]) -> tuple[Organisation, str]:
    """Follow up the whole chain: every team follows up its own earlier assessment.

    Answering closes on every team that is still open (a follow-up compares with a finished
    assessment, as for a single team). The new organisation has the same levels and links
    back, so its comparison shows the change per level since last time.
    """
    token = new_token()
    follow_up = Organisation(name=organisation.name, language=organisation.language,
                             token_hash=hash_token(token), previous_id=organisation.id)
    follow_up.levels = [_level(level.position, level.name_da, level.name_en, level.conditions)
                        for level in organisation.levels]
    session.add(follow_up)
    session.flush()
    for old_level, new_level in zip(organisation.levels, follow_up.levels, strict=True):
        for team in old_level.teams:
            if team.is_open:
                team.status = "closed"
                team.closed_at = utcnow()
            nonce = secrets.token_hex(16)
            facilitator_token = team_facilitator_token(token, nonce)
            assessment, _links = assessments._new_assessment(
                session, document, organisation=team.organisation, team=team.team,
                language=team.language, anonymous=team.anonymous, reveal=team.reveal,
                previous=team, facilitator_token=facilitator_token)
            assessment.team_nonce = nonce
            assessment.conditions = new_level.conditions
            assessments.assign_join_code(session, assessment, facilitator_token)
            new_level.teams.append(assessment)
            session.add(assessment)
            session.flush()
    session.commit()
    return follow_up, token


def changes_since(previous: ChainResult, now: ChainResult, theme_ids: Sequence[str]
                  ) -> list[list[Fraction | None]]:
    """Per level (by position) and recommendation: the level's score now minus last time."""
    rows = []
    for index, level in enumerate(now.levels):
        before = previous.levels[index].scores if index < len(previous.levels) else {}
        rows.append([None if level.scores[t] is None or before.get(t) is None
                     else level.scores[t] - before[t] for t in theme_ids])
    return rows
