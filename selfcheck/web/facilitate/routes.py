"""Facilitate: the facilitator's results page, and closing or reopening the assessment."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    make_response,
    redirect,
    render_template,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _

from selfcheck.core import charts, scoring
from selfcheck.core.progress import build_progress
from selfcheck.db import get_session
from selfcheck.exchange import tables
from selfcheck.exchange import team as exchange
from selfcheck.exchange.problems import ExchangeError, lines, shown
from selfcheck.limits import MEMBERS_MAX
from selfcheck.report import pool as render_pool
from selfcheck.report import team as report
from selfcheck.report.cache import ReportCache
from selfcheck.services import assessments, exports, history
from selfcheck.services import results as result_service
from selfcheck.services.accounts.branding import brand_for_assessment
from selfcheck.web import qr
from selfcheck.web.context import current_document
from selfcheck.web.fields import EmptyForm, UploadForm
from selfcheck.web.guards import assessment_for_facilitator, require_open
from selfcheck.web.links import (
    invitation_text,
    join_details,
    public_url,
    reminder_text,
    short_code_address,
)
from selfcheck.web.workspace.routes import hold_if_logged_in, workspace_panel

bp = Blueprint("facilitate", __name__)


@bp.get("/f/<token>")
def results(token: str):
    assessment = assessment_for_facilitator(token)
    questionnaire = assessments.questionnaire_of(assessment)
    result = result_service.results(assessment)
    visible = scoring.distributions_visible(assessment.anonymous, result.respondents)
    join_url, shown_code = join_details(assessment, g.opened.token)
    waiting = [p.display_name for p in assessment.participants
               if p.submitted_at is None and p.display_name]
    lang = str(get_locale())
    return render_template(
        "facilitate/results.html",
        assessment=assessment,
        questionnaire=questionnaire,
        result=result,
        visible=visible,
        threshold=scoring.ANONYMITY_THRESHOLD,
        comments=result_service.comments_by_theme(assessment) if visible else {},
        participants=assessment.participants,
        token=token,
        join_url=join_url,
        # A page opened through an account (/f/a12) never shows the link itself, so taking
        # an account's access away also takes the page away.
        facilitator_url=None if g.opened.by_account else public_url("facilitate.results",
                                                                     token=token),
        code=shown_code,
        code_address=short_code_address(),
        invitations={other: invitation_text(assessment, join_url, shown_code, other)
                     for other in (lang, *(x for x in ("da", "en") if x != lang))}
        if join_url else {},
        reminder=reminder_text(assessment, waiting, join_url, lang)
        if waiting and join_url else None,
        member_form=EmptyForm(formdata=None),
        qr_code=qr.qr_svg(join_url, _("QR code with the join link")) if join_url else None,
        opened=g.opened,
        workspace=workspace_panel(assessment, g.opened),
        decisions={d.theme_id: d for d in assessment.decisions},
        progress=build_progress(questionnaire, result, history.history_entries(assessment)),
        statement_detail=True,  # the page has room for the statement table; the PDF does not
        upload_form=UploadForm(),
        actions=assessment.actions,
        charts=charts,
        form=EmptyForm(),
    )


@bp.get("/f/<token>/participation.json")
def participation(token: str):
    """How many have started and submitted; the dashboard polls it to stay current."""
    assessment = assessment_for_facilitator(token)
    submitted = len(result_service.submitted(assessment))
    started = len(assessment.participants)
    return jsonify(
        submitted=submitted,
        started=started,
        text=_("%(submitted)d of %(started)d members have submitted their answers.",
               submitted=submitted, started=started),
    )


@bp.get("/f/<token>/report.pdf")
def report_pdf(token: str):
    """The PDF report in the page's language; rendered once, then served from the cache."""
    assessment = assessment_for_facilitator(token, whole=False)
    lang = str(get_locale())
    today = date.today()
    cache = ReportCache(Path(current_app.config["REPORT_CACHE_DIR"]))
    # The revision changes with everything the report shows (revisions.py), so a cached
    # download needs no more than the lookup of the assessment.
    key = cache.key(cache.scope(assessment.id), f"revision {assessment.revision}", lang, today)
    def render() -> bytes:
        whole = assessments.load_whole(get_session(), assessment.id)
        brand = brand_for_assessment(get_session(), whole)
        data = exchange.load_export(exports.export_assessment(whole))
        return render_pool.render_team_report(
            data, lang, today, brand, in_pool=bool(current_app.config.get("REPORT_RENDER_POOL")))

    pdf, hit = cache.get_or_render(key, render)
    name = report.filename(assessment.organisation, assessment.team, today)
    response = make_response(pdf)
    # Says whether this instance rendered the PDF or found it (perhaps another's) in the cache.
    response.headers["X-Report-Cache"] = "hit" if hit else "miss"
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.post("/f/<token>/<any(close, reopen):action>")
def set_status(token: str, action: str):
    """Close the assessment (no more changes) or open it again."""
    assessment = assessment_for_facilitator(token)
    is_open = action == "reopen"
    assessments.set_open(get_session(), assessment, is_open)
    if is_open:
        flash(_("Answering is open again. Members can join and change their answers."), "info")
    else:
        flash(_("Answering is closed. Answers can no longer change, and the join code no longer "
                "works. The workshop and the action plan still work."), "info")
    return redirect(url_for("facilitate.results", token=token))


def _member_of(token: str, member_id: int):
    assessment = assessment_for_facilitator(token)
    participant = assessments.find_member(assessment, member_id)
    if participant is None:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400, description=_("The form's security check failed. Reload the page."))
    return assessment, participant


@bp.post("/f/<token>/members/<int:member_id>/remove")
def remove_member(token: str, member_id: int):
    """Remove a test or duplicate entry; its answers leave every score, export and report."""
    assessment, participant = _member_of(token, member_id)
    name = participant.display_name or _("(no name)")
    assessments.remove_member(get_session(), assessment, participant)
    flash(_("%(name)s is removed, with every answer and comment.", name=name),
          "success:members")
    return redirect(url_for("facilitate.results", token=token) + "#participation-heading")


@bp.post("/f/<token>/members/<int:member_id>/new-link")
def new_member_link(token: str, member_id: int):
    """A new personal link for a member who lost theirs; the old one stops working."""
    assessment, participant = _member_of(token, member_id)
    resume = assessments.reissue_link(get_session(), participant)
    return render_template(
        "facilitate/new_link.html", assessment=assessment, participant=participant,
        link=public_url("answer.welcome", token=resume), token=token)


@bp.post("/f/<token>/follow-up")
def follow_up(token: str):
    """Start the next assessment of the same team; its page shows the progress."""
    assessment = assessment_for_facilitator(token)
    if assessment.is_open:
        abort(409, description=_("Close the self-assessment before you start a follow-up."))
    new, links = assessments.start_follow_up(get_session(), assessment, current_document())
    hold_if_logged_in(new, links.facilitator_token)
    flash(_("The follow-up is ready. Send the new join link to the team, and keep the new "
            "facilitator link."), "success")
    return redirect(url_for("facilitate.results", token=links.facilitator_token))


def _download(body: str | bytes, mimetype: str, name: str):
    response = make_response(body)
    response.headers["Content-Type"] = mimetype
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.get("/f/<token>/export.<any(json, xlsx):kind>")
@bp.get("/f/<token>/export-<any(answers, results):table>.csv")
def export(token: str, kind: str = "csv", table: str | None = None):
    """The assessment as JSON, XLSX or CSV; never a name from an anonymous assessment."""
    assessment = assessment_for_facilitator(token)
    document = exports.export_assessment(assessment, exported_at=datetime.now(UTC))
    stem = report.filename(assessment.organisation, assessment.team, date.today())[:-4]
    if kind == "json":
        return _download(exchange.dumps(document), "application/json", f"{stem}.json")
    data = exchange.load_export(document)
    lang = str(get_locale())
    if kind == "xlsx":
        return _download(tables.to_xlsx(data, lang), XLSX, f"{stem}.xlsx")
    columns, rows = ((tables.ANSWER_COLUMNS, tables.answer_rows) if table == "answers"
                     else (tables.RESULT_COLUMNS, tables.result_rows))
    return _download(tables.to_csv(columns, rows(data, lang)), "text/csv; charset=utf-8",
                     f"{stem}-{table}.csv")


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.post("/f/<token>/import-answers")
def import_answers(token: str):
    """Add members from a CSV file collected in another survey tool; all rows or none."""
    assessment = assessment_for_facilitator(token)
    require_open(assessment)
    form = UploadForm()
    if not form.validate_on_submit():
        abort(400, description=_("Choose a file."))
    try:
        members = tables.read_answers_csv(form.file.data.read(),
                                          assessments.questionnaire_of(assessment))
        room = MEMBERS_MAX - len(assessment.participants)
        if len(members) > room:
            raise ExchangeError.one("no_room", count=len(members), room=room,
                                    limit=MEMBERS_MAX)
    except ExchangeError as exc:
        return render_template("facilitate/import_problems.html",
                               problems=lines(shown(exc.problems), _),
                               token=token, assessment=assessment), 400
    count = assessments.add_members(get_session(), assessment, members)
    flash(_("%(count)d members were imported from the file.", count=count), "success")
    return redirect(url_for("facilitate.results", token=token))
