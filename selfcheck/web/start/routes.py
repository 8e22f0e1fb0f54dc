"""Start: the front page, creating an assessment, the example, the language switch."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _

from selfcheck.core.content import LANGUAGES
from selfcheck.db import get_session
from selfcheck.exchange import safejson as jsondoc
from selfcheck.exchange import team as exchange
from selfcheck.exchange.problems import ExchangeError, lines, shown
from selfcheck.services import assessments, demo
from selfcheck.web.context import current_document
from selfcheck.web.fields import EmptyForm, UploadForm
from selfcheck.web.guards import creates, safe_next
from selfcheck.web.start.forms import CreateAssessmentForm
from selfcheck.web.workspace.routes import hold_if_logged_in

bp = Blueprint("start", __name__)


@bp.get("/")
def index():
    questionnaire = current_app.extensions["questionnaire"]
    return render_template("start/index.html", questionnaire=questionnaire, form=EmptyForm())


@bp.route("/new", methods=["GET", "POST"])
@creates
def new():
    form = CreateAssessmentForm()
    if request.method == "GET":
        form.language.data = session.get("lang") or form.language.default
    if form.validate_on_submit():
        assessment, links = assessments.create_assessment(
            get_session(),
            current_document(),
            organisation=form.organisation.data,
            team=form.team.data,
            language=form.language.data,
            anonymous=form.answers.data == "anonymous",
            reveal=form.reveal.data,
        )
        hold_if_logged_in(assessment, links.facilitator_token)
        flash(_("The self-assessment is ready. Send the join link to your team."), "success")
        return redirect(url_for("facilitate.results", token=links.facilitator_token))
    status = 400 if form.is_submitted() else 200
    return render_template("start/new.html", form=form, upload_form=UploadForm(),
                           import_problems=[]), status


@bp.post("/import")
@creates
def import_file():
    """Create an assessment from an exported JSON file (e.g. from another machine)."""
    form = UploadForm()
    problems: list[str] = []
    if form.validate_on_submit():
        raw = form.file.data.read()
        try:
            document = jsondoc.loads(raw)
            data = exchange.load_export(document)
        except ExchangeError as exc:  # jsondoc.JSONFileError too: the file is not JSON
            problems = lines(shown(exc.problems), _)
        else:
            assessment, links = assessments.import_document(get_session(), document, data)
            hold_if_logged_in(assessment, links.facilitator_token)
            flash(_("The self-assessment is imported."), "success")
            return redirect(url_for("facilitate.results", token=links.facilitator_token))
    else:
        problems = [e for errors in form.errors.values() for e in errors]
    return render_template("start/new.html", form=CreateAssessmentForm(formdata=None),
                           upload_form=form, import_problems=problems), 400


@bp.post("/example")
@creates
def example():
    """Create a fresh example assessment and open its results, as a facilitator would."""
    lang = str(request.form.get("lang", "da"))
    links = demo.create_demo(get_session(), current_document(), lang if lang in LANGUAGES else "da")
    return redirect(url_for("facilitate.results", token=links.facilitator_token))


@bp.post("/language")
def set_language():
    """Remember the visitor's language choice and go back to the page they were on."""
    lang = request.form.get("lang", "")
    if lang not in LANGUAGES:
        abort(400, description=_("Unknown language."))
    session["lang"] = lang
    return redirect(safe_next(request.form.get("next", ""), url_for("start.index")))
