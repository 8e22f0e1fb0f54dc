"""Facilitate: the facilitator's results page, downloads, the team, closing and reopening.

Everything under ``/f/<token>`` is loaded once by the blueprint's URL value preprocessor
(web/guards.py): views find the assessment on ``g.assessment`` and how it was opened on
``g.opened``, and never look it up themselves.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _

from selfcheck.core import charts, scoring
from selfcheck.core.progress import build_progress
from selfcheck.db import get_session
from selfcheck.exchange import DOCX, tables
from selfcheck.exchange import team as exchange
from selfcheck.exchange.problems import ExchangeError, lines, shown
from selfcheck.report import pool as render_pool
from selfcheck.report import team as report
from selfcheck.report.cache import ReportCache
from selfcheck.services import assessments, exports, history
from selfcheck.services import results as result_service
from selfcheck.services.accounts import sharing
from selfcheck.services.accounts.branding import brand_for_assessment
from selfcheck.web import qr
from selfcheck.web.context import current_document
from selfcheck.web.downloads import PDF, attachment, cached_report
from selfcheck.web.fields import EmptyForm, UploadForm
from selfcheck.web.guards import (
    current_account,
    login_first,
    prefix_facilitator_pages,
    requires_open,
    row_only,
)
from selfcheck.web.links import (
    invitation_text,
    join_details,
    public_url,
    reminder_text,
    short_code_address,
)
from selfcheck.web.workspace.routes import (
    hold_link,
    role_name,
    workspace_panel,
)

bp = Blueprint("facilitate", __name__, url_prefix="/f/<token>")
prefix_facilitator_pages(bp)


@bp.get("")
def results():
    assessment = g.assessment
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
        participation=result_service.participation(assessment),
        join_url=join_url,
        # A page opened through an account (/f/a12) never shows the link itself, so taking
        # an account's access away also takes the page away.
        facilitator_url=None if g.opened.by_account else public_url("facilitate.results"),
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


@bp.post("/hold")
@login_first
def hold():
    """An old link opened while logged in: the assessment joins the account's workspace."""
    role = hold_link(g.assessment, g.facilitator_key)
    flash(_("The self-assessment is in your workspace, as %(role)s.", role=role_name(role)),
          "success")
    return redirect(url_for("facilitate.results"))


@bp.get("/participation.json")
def participation():
    """How many have started and submitted; the dashboard polls it to stay current."""
    counts = result_service.participation(g.assessment)
    return jsonify(
        submitted=counts.submitted,
        started=counts.started,
        text=_("%(submitted)d of %(started)d members have submitted their answers.",
               submitted=counts.submitted, started=counts.started),
    )


@bp.get("/report.pdf")
@row_only
def report_pdf():
    """The PDF report in the page's language; rendered once, then served from the cache."""
    return _report_download("team", report.filename)


@bp.get("/summary.pdf")
@row_only
def summary_pdf():
    """The two-page summary (report/summary.py), cached like the full report."""
    return _report_download("team_summary", summary_filename)


@bp.get("/report.docx")
@row_only
def report_docx():
    """The report as an editable Word document (report/docx.py), cached like the PDF."""
    return _report_download("team_docx", docx_filename, DOCX, "docx")


def summary_filename(organisation: str, team: str, today: date) -> str:
    return report.filename(organisation, team, today).removesuffix(".pdf") + "-resume.pdf"


def docx_filename(organisation: str, team: str, today: date) -> str:
    return report.filename(organisation, team, today).removesuffix(".pdf") + ".docx"


def _report_download(kind: str, filename, mimetype: str = PDF, extension: str = "pdf"):
    """A report of ``kind`` (report/pool.RENDERERS) of this assessment, in the page's language.

    The revision changes with everything a report shows (revisions.py), so a cached download
    needs no more than the lookup of the assessment."""
    assessment = g.assessment

    def render(lang: str, today: date) -> bytes:
        whole = assessments.load_whole(get_session(), assessment.id)
        brand = brand_for_assessment(get_session(), whole)
        # The app's own export, built just now: the schema check is for files from outside.
        data = exchange.load_export(exports.export_assessment(whole), trusted=True)
        return render_pool.render(
            kind, data, lang, today, brand,
            in_pool=bool(current_app.config.get("REPORT_RENDER_POOL")))

    return cached_report(ReportCache.scope(assessment.id), f"revision {assessment.revision}",
                         kind, filename(assessment.organisation, assessment.team, date.today()),
                         mimetype, extension, render)


@bp.post("/<any(close, reopen):action>")
def set_status(action: str):
    """Close the assessment (no more changes) or open it again."""
    assessment = g.assessment
    is_open = action == "reopen"
    assessments.set_open(get_session(), assessment, is_open)
    if is_open:
        flash(_("Answering is open again. Members can join and change their answers."), "info")
    else:
        flash(_("Answering is closed. Answers can no longer change, and the join code no longer "
                "works. The workshop and the action plan still work."), "info")
    return redirect(url_for("facilitate.results"))


def _member_of(member_id: int):
    assessment = g.assessment
    participant = assessments.find_member(assessment, member_id)
    if participant is None:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400, description=_("The form's security check failed. Reload the page."))
    return assessment, participant


@bp.post("/members/<int:member_id>/remove")
def remove_member(member_id: int):
    """Remove a test or duplicate entry; its answers leave every score, export and report."""
    assessment, participant = _member_of(member_id)
    name = participant.display_name or _("(no name)")
    assessments.remove_member(get_session(), assessment, participant)
    flash(_("%(name)s is removed, with every answer and comment.", name=name),
          "success:members")
    return redirect(url_for("facilitate.results") + "#participation-heading")


@bp.post("/members/<int:member_id>/new-link")
def new_member_link(member_id: int):
    """A new personal link for a member who lost theirs; the old one stops working."""
    assessment, participant = _member_of(member_id)
    resume = assessments.reissue_link(get_session(), participant)
    return render_template(
        "facilitate/new_link.html", assessment=assessment, participant=participant,
        link=public_url("answer.welcome", token=resume))


@bp.post("/follow-up")
def follow_up():
    """Start the next assessment of the same team; its page shows the progress."""
    new, links = assessments.start_follow_up(get_session(), g.assessment, current_document())
    sharing.carry_access(get_session(), g.assessment, new, current_account(),
                         links.facilitator_token, current_app.config["SECRET_KEY"])
    flash(_("The follow-up is ready. Send the new join link to the team, and keep the new "
            "facilitator link."), "success")
    return redirect(url_for("facilitate.results", token=links.facilitator_token))


@bp.get("/export.<any(json, xlsx):kind>")
@bp.get("/export-<any(answers, results):table>.csv")
def export(kind: str = "csv", table: str | None = None):
    """The assessment as JSON, XLSX or CSV; never a name from an anonymous assessment."""
    assessment = g.assessment
    stem = report.filename(assessment.organisation, assessment.team, date.today())[:-4]
    (file,) = exports.export_files(assessment, kind, str(get_locale()), tables=(table,),
                                   exported_at=datetime.now(UTC))
    return attachment(file.body, file.mimetype, stem + file.suffix)


@bp.post("/import-answers")
@requires_open
def import_answers():
    """Add members from a CSV file collected in another survey tool; all rows or none."""
    assessment = g.assessment
    form = UploadForm()
    if not form.validate_on_submit():
        abort(400, description=_("Choose a file."))
    try:
        members = tables.read_answers_csv(form.file.data.read(),
                                          assessments.questionnaire_of(assessment))
        count = assessments.add_members(get_session(), assessment, members)
    except ExchangeError as exc:
        return render_template("facilitate/import_problems.html",
                               problems=lines(shown(exc.problems), _),
                               assessment=assessment), 400
    flash(_("%(count)d members were imported from the file.", count=count), "success")
    return redirect(url_for("facilitate.results"))
