"""Hostile input on the account pages: no 500, nothing half-saved, every check in one place."""

from __future__ import annotations

import io
import itertools

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from selfcheck.models import Access, Account, Branding, Invitation

from .conftest import Consultant, csrf_token

FUZZ = settings(max_examples=40, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])

texts = st.text(st.characters(codec="utf-8"), max_size=300)
_numbers = itertools.count()


def new_owner(app) -> Consultant:
    """A fresh account for each example (Hypothesis reuses the test's app)."""
    return Consultant(app, f"ejer{next(_numbers)}@example.dk").signup()


def counts(db) -> tuple[int, ...]:
    db.expire_all()
    return tuple(db.scalar(select(func.count()).select_from(m))
                 for m in (Account, Access, Invitation, Branding))


@FUZZ
@given(email=texts, password=texts)
def test_fuzzed_sign_up_and_login(app, db, email, password):
    app.config["SIGNUP"] = "open"
    person = Consultant(app, email, password)
    before = counts(db)
    response = person.form_post("/signup", {"email": email, "password": password})
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert counts(db) == before
    login = Consultant(app, email, password).login()
    assert login.status_code in (302, 400, 429)


@FUZZ
@given(email=texts, role=texts, invite_role=texts)
def test_fuzzed_sharing(app, db, email, role, invite_role):
    owner = new_owner(app)
    assessment_id, _token = owner.create_assessment()
    before = counts(db)
    shared = owner.form_post(f"/w/a/{assessment_id}/access", {"email": email, "role": role})
    assert shared.status_code == 400  # no account has a fuzzed address
    invited = owner.form_post(f"/w/a/{assessment_id}/invite", {"invite-role": invite_role},
                              page_url=f"/w/a/{assessment_id}/access")
    if invite_role in ("owner", "facilitator"):
        assert invited.status_code == 200
        assert counts(db) == (before[0], before[1], before[2] + 1, before[3])
    else:
        assert invited.status_code == 400
        assert counts(db) == before


@FUZZ
@given(name=texts, logo=st.binary(max_size=4000), filename=texts)
def test_fuzzed_branding(app, db, name, logo, filename):
    from werkzeug.datastructures import FileStorage
    from werkzeug.test import encode_multipart

    owner = new_owner(app)
    before = counts(db)
    page = owner.client.get("/account")
    form = {"csrf_token": csrf_token(page.get_data(as_text=True)), "name": name,
            "logo": FileStorage(io.BytesIO(logo), filename=filename or "x")}
    boundary, body = encode_multipart(form)
    response = owner.client.post("/account/branding", data=body,
                                 content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert counts(db) == before  # a refused logo or name stores nothing


@FUZZ
@given(key=st.one_of(texts, st.from_regex(r"a[0-9]{1,25}", fullmatch=True)),
       token=texts)
@example(key="/0", token="//evil.example")  # a doubled slash: Werkzeug's 308 to one slash
def test_fuzzed_keys_and_tokens_in_addresses(app, key, token):
    from urllib.parse import quote, urlsplit

    owner = new_owner(app)
    for client in (owner.client, app.test_client()):
        for path in (f"/f/{quote(key, safe='')}", f"/o/{quote(key, safe='')}",
                     f"/invite/{quote(token, safe='')}", f"/reset/{quote(token, safe='')}",
                     f"/w?client={quote(key)}&status={quote(token)}"):
            response = client.get(path)
            # 308: Werkzeug merges a doubled slash ("/f/%2F0" is "/f//0") by redirecting
            assert response.status_code in (200, 302, 308, 404), (path, response.status_code)
            if response.status_code in (302, 308):  # and never off the site
                location = urlsplit(response.headers["Location"])
                assert location.netloc in ("", "localhost"), response.headers["Location"]
