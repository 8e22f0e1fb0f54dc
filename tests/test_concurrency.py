"""A whole team pressing Next at the same moment loses nothing, on SQLite (WAL) and PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from selfcheck.models import Answer, Participant

from .conftest import Member, csrf_token

pytestmark = pytest.mark.both_databases


def test_twelve_members_save_the_same_step_at_once(app, facilitator, questionnaire, db):
    facilitator.create()
    join_url = facilitator.join_url()
    members = [Member(app, join_url).join() for _ in range(12)]
    theme = questionnaire.themes[0]
    barrier = threading.Barrier(len(members))
    statuses: list[int] = []
    errors: list[BaseException] = []

    def press_next(member: Member, value: int) -> None:
        try:
            page = member.client.get(member.step_url(1))  # fetch the form first
            data = {f"q_{q.id}": str(value) for q in theme.questions}
            data.update(nav="next", comment=f"Medlem {value}",
                        csrf_token=csrf_token(page.get_data(as_text=True)))
            barrier.wait(timeout=10)
            statuses.append(member.client.post(member.step_url(1), data=data).status_code)
        except BaseException as exc:  # reported below, in the test's own thread
            errors.append(exc)

    threads = [threading.Thread(target=press_next, args=(m, 1 + i % 5))
               for i, m in enumerate(members)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert statuses == [302] * 12
    assert db.scalar(select(func.count()).select_from(Participant)) == 12
    assert db.scalar(select(func.count()).select_from(Answer)) == 12 * len(theme.questions)


def test_double_click_on_next_keeps_one_row_per_statement(app, facilitator, questionnaire, db):
    facilitator.create()
    member = Member(app, facilitator.join_url()).join()
    theme = questionnaire.themes[2]
    page = member.client.get(member.step_url(3))
    token = csrf_token(page.get_data(as_text=True))
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def press(value: int) -> None:
        data = {f"q_{q.id}": str(value) for q in theme.questions}
        data.update(nav="next", csrf_token=token)
        client = member.client  # the same browser session, twice
        barrier.wait(timeout=10)
        statuses.append(client.post(member.step_url(3), data=data).status_code)

    threads = [threading.Thread(target=press, args=(v,)) for v in (2, 4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert statuses == [302, 302]
    assert db.scalar(select(func.count()).select_from(Answer)) == len(theme.questions)
    assert len(set(db.scalars(select(Answer.value)))) == 1  # one press won, consistently
