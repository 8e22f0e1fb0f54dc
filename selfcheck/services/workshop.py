"""The workshop: where the facilitator is, what the team agreed, and the action plan.

Closing the assessment stops answers, never the workshop: decisions and actions can be
recorded after answering has closed.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from selfcheck.exchange.problems import ExchangeError
from selfcheck.limits import ACTIONS_MAX
from selfcheck.models import (
    Action,
    Assessment,
    ThemeDecision,
    utcnow,
)


def set_workshop_theme(session: Session, assessment: Assessment, theme_id: str) -> None:
    """Remember where the facilitator is, so the presenter view can follow."""
    if assessment.workshop_theme_id != theme_id:
        assessment.workshop_theme_id = theme_id
        session.commit()


def set_revealed(session: Session, assessment: Assessment, revealed: bool) -> None:
    assessment.revealed_at = utcnow() if revealed else None
    session.commit()


def decision_for(assessment: Assessment, theme_id: str) -> ThemeDecision | None:
    return next((d for d in assessment.decisions if d.theme_id == theme_id), None)


def save_decision(
    session: Session,
    assessment: Assessment,
    theme_id: str,
    *,
    consensus: float | None,
    note: str,
    agreed_to_disagree: bool,
) -> None:
    """Record, change or clear (all fields empty) the team's view on one theme."""
    note = note.strip()
    decision = decision_for(assessment, theme_id)
    if consensus is None and not note and not agreed_to_disagree:
        if decision is not None:
            assessment.decisions.remove(decision)
    else:
        if decision is None:
            decision = ThemeDecision(theme_id=theme_id)
            assessment.decisions.append(decision)
        decision.consensus = consensus
        decision.note = note
        decision.agreed_to_disagree = agreed_to_disagree
        decision.updated_at = utcnow()
    session.commit()


def check_room_for_action(assessment: Assessment) -> None:
    """An action plan holds at most limits.ACTIONS_MAX actions."""
    if len(assessment.actions) >= ACTIONS_MAX:
        raise ExchangeError.one("actions_full", count=ACTIONS_MAX)


def add_action(session: Session, assessment: Assessment, theme_id: str, *, text: str,
               owner: str = "", due_date=None, status: str = "planned",
               suggestion_id: str | None = None) -> Action:
    check_room_for_action(assessment)
    action = Action(theme_id=theme_id, text=text.strip(), owner=owner.strip(),
                    due_date=due_date, status=status, suggestion_id=suggestion_id)
    assessment.actions.append(action)
    session.commit()
    return action


def find_action(assessment: Assessment, action_id: int) -> Action | None:
    return next((a for a in assessment.actions if a.id == action_id), None)


def update_action(session: Session, action: Action, *, text: str, owner: str, due_date,
                  status: str) -> None:
    action.text = text.strip()
    action.owner = owner.strip()
    action.due_date = due_date
    action.status = status
    action.updated_at = utcnow()
    session.commit()


def delete_action(session: Session, assessment: Assessment, action: Action) -> None:
    assessment.actions.remove(action)
    session.commit()
