"""The short join code: members type it at /kode instead of a long link.

A code only joins an open assessment (it opens nothing else), and wrong codes
are rate limited per client (ratelimit.py). ``/kode/<code>`` is the join page
for the code, so a member who typed it can share that address in the room.
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_babel import gettext as _

from selfcheck.core.tokens import normalise_code
from selfcheck.db import get_session
from selfcheck.ratelimit import WRONG_CODES, limiter, wrong_code
from selfcheck.services import assessments
from selfcheck.web.answer.forms import CodeForm
from selfcheck.web.answer.routes import join_page

bp = Blueprint("code", __name__)


@bp.route("/kode", methods=["GET", "POST"])
@limiter.limit(WRONG_CODES, deduct_when=wrong_code, methods=["POST"])
def enter():
    form = CodeForm()
    if form.validate_on_submit():
        if assessments.find_by_join_code(get_session(), form.code.data) is not None:
            return redirect(url_for("code.join", code=normalise_code(form.code.data)))
        form.code.errors.append(_("No open self-assessment has that code. Check the code on "
                                  "the screen and try again."))
        return render_template("answer/code.html", form=form), 404
    return render_template("answer/code.html", form=form), 400 if form.errors else 200


@bp.route("/kode/<code>", methods=["GET", "POST"])
@limiter.limit(WRONG_CODES, deduct_when=wrong_code)
def join(code: str):
    assessment = assessments.find_by_join_code(get_session(), code)
    if assessment is None:
        abort(404)
    return join_page(assessment, url_for("code.join", code=code))
