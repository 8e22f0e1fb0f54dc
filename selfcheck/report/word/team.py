"""The team's report as a Word document: the PDF's report (report/team.py), editable.

Its numbers, charts and what it may show come from the PDF's own ``report_context``, so the
two cannot disagree: the same scores, the same anonymity rule (no score of any kind below
the threshold), the same radar and dot charts. It follows the PDF's order, the parts of
``REPORT_SECTIONS`` that the consultant kept between the cover and the method.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from babel.dates import format_date

from selfcheck.core.presentation import action_text
from selfcheck.core.records import AssessmentData
from selfcheck.report import team as pdf_report
from selfcheck.report.word import parts
from selfcheck.report.word.pictures import rasterise, svg_of
from selfcheck.report.word.texts import Words, words
from selfcheck.report.word.writer import Column, WordWriter

RADAR_WIDTH = 12.0  # cm; its labels print at 7.8 pt (the PDF: 13.2 cm, 8.5 pt)
DISTRIBUTION_WIDTH = 7.5


def render(data: AssessmentData, lang: str, today: date, brand: Any = None) -> bytes:
    context = pdf_report.report_context(data, lang, today, brand)
    w = words(lang)
    _ = w._
    q = context["questionnaire"]
    writer = WordWriter(lang, title=f"{_('Self-assessment report')}: {data.organisation}, "
                                    f"{data.team}",
                        subject=q.title.get(lang), author=parts.author(brand))
    writer.running_header(brand, footer=f"selfcheck · {data.organisation} · {data.team}")
    charts = _charts(context)
    texts = data.report

    _cover(writer, w, context)
    parts.conclusion(writer, w, texts)
    if texts.shows("summary"):
        _summary(writer, w, context, charts.get("radar"))
    if texts.shows("plan"):
        _plan(writer, w, context)
    if texts.shows("progress") and context["progress"]:
        _progress(writer, w, context)
    if texts.shows("themes"):
        for number, theme_result in enumerate(context["result"].themes, 1):
            _theme(writer, w, context, number, theme_result,
                   charts.get(theme_result.theme_id), texts.shows("comments"))
    parts.closing_words(writer, w, texts, _("The team's reflections"))
    _method(writer, w, context)
    return writer.to_bytes()


def _charts(context: dict[str, Any]) -> dict[str, Any]:
    """The PDF's charts as pictures: "radar" and one per theme id, in one render."""
    keys, svgs = [], []
    if context["visible"] and context["result"].respondents:
        keys.append("radar")
        svgs.append(svg_of(context["radar_uri"]))
        for theme_id, uri in context["distribution_uris"].items():
            keys.append(theme_id)
            svgs.append(svg_of(uri))
    return dict(zip(keys, rasterise(svgs), strict=True))


def _cover(writer: WordWriter, w: Words, context: dict[str, Any]) -> None:
    _ = w._
    data, q, result, brand = (context["data"], context["questionnaire"], context["result"],
                              context["brand"])
    writer.paragraph(("muted", _("Self-assessment report").upper()), size=11)
    writer.title(q.title.get(w.lang))
    writer.facts([(_("Organisation"), data.organisation), (_("Leadership team"), data.team),
                  (_("Date"), context["report_date"]),
                  (_("Members who answered"), str(result.respondents))])
    parts.cover_end(writer, w, q, brand, then=lambda: _agenda(writer, w, context))


def _summary(writer: WordWriter, w: Words, context: dict[str, Any], radar) -> None:
    _, score = w._, w.score
    q, r = context["questionnaire"], context["result"]
    writer.heading(_("Summary"), 1)
    if r.respondents == 0:
        writer.paragraph(_("No answers have been submitted yet."))
        return
    if not context["visible"]:
        writer.paragraph(_("The answers are anonymous. To protect the members, results are "
                           "shown when at least %(threshold)d members have submitted.",
                           threshold=context["threshold"]))
        return
    writer.paragraph(f"{_('Overall score')}: ", ("bold", score(r.overall)),
                     f" {_('on the scale from 1 to 5')} · ",
                     w.ngettext("%(num)d member answered.", "%(num)d members answered.",
                                r.respondents), size=12)
    if radar is not None:
        writer.picture(radar, width=RADAR_WIDTH, centre=True, keep_with_next=True, alt=_(
            "Radar chart of the team score per theme. The table below has the same numbers."))
    writer.heading(_("Results per theme"), 2)
    rows = []
    for number, tr in enumerate(r.themes, 1):
        band = q.band(tr.band_id).label.get(w.lang) if tr.band_id else "–"
        agreement = (_("Disagreement") if tr.disagreed else
                     _("Agreement") if tr.n > 1 else "–")
        rows.append((f"{number}. {q.theme(tr.theme_id).title.get(w.lang)}", score(tr.score),
                     score(tr.consensus), band,
                     f"{score(tr.min)}–{score(tr.max)}" if tr.n else "–", agreement))
    writer.table([Column(_("Theme"), 5.6), Column(_("Score"), 1.5, True),
                  Column(_("Agreed"), 1.6, True), Column(_("Category"), 3.1),
                  Column(_("Lowest–highest"), 2.6, True), Column(_("Agreement"), 2.6)], rows)
    for heading, ids, empty in (
            (_("Strengths"), r.strengths, _("No theme is in the top category yet.")),
            (_("Improvement areas"), r.improvement_areas,
             _("None: every theme is a strength."))):
        writer.heading(heading, 2)
        if not ids:
            writer.paragraph(("muted", empty))
        for theme_id in ids:
            writer.bullet(f"{q.theme(theme_id).title.get(w.lang)} "
                          f"({_ranked(w, r.theme(theme_id))})")


def _agenda(writer: WordWriter, w: Words, context: dict[str, Any]) -> None:
    """The workshop's running order, most disagreement first. The PDF prints it on its
    second page, under the contents; Word has its navigation pane for contents, so the
    agenda goes on the cover, before the summary as in the PDF."""
    _, score = w._, w.score
    q, r, numbers = context["questionnaire"], context["result"], context["numbers"]
    if not (context["visible"] and r.respondents > 1):
        return
    writer.heading(_("Agenda for the workshop: most disagreement first"), 2)
    for theme_id in r.agenda:
        tr = r.theme(theme_id)
        item: list[str | tuple[str, str]] = [
            f"{numbers[theme_id]}. {q.theme(theme_id).title.get(w.lang)}"]
        if tr.n > 1:
            item.append(" – " + _("member scores from %(low)s to %(high)s",
                                  low=score(tr.min), high=score(tr.max)))
            if tr.disagreed:
                item.append(("bold", f" ({_('disagreement')})"))
        writer.bullet(*item)


def _ranked(w: Words, tr) -> str:
    """The score a list was ranked by, "agreed" beside it when it is the team's agreed one
    (the ``ranked_score`` macro)."""
    text = w.score(tr.band_score)
    return f"{text} {w._('agreed')}" if tr.band_score_is_agreed else text


def _plan(writer: WordWriter, w: Words, context: dict[str, Any]) -> None:
    _ = w._
    data, q = context["data"], context["questionnaire"]
    writer.heading(_("Action plan"), 1, new_page=True)
    writer.paragraph(("bold", data.team), f" · {data.organisation} · {context['report_date']}")
    groups = context["actions_by_theme"]
    if context["actions"]:
        rows: list[Any] = []
        for number, theme in enumerate(q.themes, 1):
            if theme.id in groups:
                rows.append(f"{number}. {theme.title.get(w.lang)}")
                rows.extend((action_text(q, a, w.lang), a.owner, w.day(a.due_date),
                             w.status(a.status)) for a in groups[theme.id])
        writer.table([Column(_("Action"), 8.7), Column(_("Owner"), 3.0),
                      Column(_("Due date"), 2.9), Column(_("Status"), 2.4)], rows,
                     keep_together=len(rows) <= 20, size=11 if context["short_plan"] else 10)
        return
    writer.paragraph(_("No actions have been recorded yet.") + " " +
                     _("Write the team's actions here during the workshop."))
    rows = []
    for number, theme in enumerate(q.themes, 1):
        rows += [f"{number}. {theme.title.get(w.lang)}", ("", "", ""), ("", "", "")]
    writer.table([Column(_("Action"), 10.5), Column(_("Owner"), 3.5),
                  Column(_("Due date"), 3.0)], rows, keep_together=False, size=10)


def _progress(writer: WordWriter, w: Words, context: dict[str, Any]) -> None:
    """What _progress.html shows in the PDF: the team score then and now, last time's plan."""
    _, score = w._, w.score
    q, progress = context["questionnaire"], context["progress"]

    def when(value) -> str:  # the templates' format_date: the medium format
        return format_date(value, format="medium", locale=w.lang)

    writer.heading(_("Progress since last time"), 1, new_page=True)
    writer.paragraph(
        _("Compared with the team's earlier self-assessment from %(date)s.",
          date=when(progress.dates[-1])) + " " +
        _("Overall score then %(before)s, now %(after)s.",
          before=score(progress.overall.before), after=score(progress.overall.after)) + " " +
        _arrow(w, progress.overall))
    dates = [Column(when(d), 2.0, True) for d in progress.dates]
    fixed = [Column(_("Now"), 1.6, True), Column(_("Difference"), 3.0, True),
             Column(_("Agreed last time"), 2.2, True)]
    theme_width = writer.text_width - sum(c.width for c in dates + fixed)
    columns = [Column(_("Theme"), max(theme_width, 3.0))] + dates + fixed
    rows = []
    for row in progress.rows:
        title = q.theme(row.theme_id).title.get(w.lang) + ("" if row.same_statements else " *")
        rows.append([title] + [score(v) for v in row.earlier] +
                    [score(row.change.after), _arrow(w, row.change),
                     score(row.change.earlier_consensus)])
    writer.table(columns, rows)
    changed = [row for row in progress.rows if not row.same_statements]
    if changed:
        listed = "; ".join(
            q.theme(row.theme_id).title.get(w.lang) + " (" +
            _("%(new)d new and %(dropped)d dropped statements", new=row.new_statements,
              dropped=row.dropped_statements) + ")" for row in changed)
        writer.paragraph(("muted", " ".join((
            "* " + _("The questionnaire has changed since last time:"), listed + ".",
            _("Compare these team scores with care. New statements are not compared with "
              "anything.")))))
    if progress.earlier_actions:
        writer.heading(_("Actions from last time"), 2)
        writer.paragraph(_("Go through them: what was done, and what did it change?"))
        ids = {t.id for t in q.themes}
        writer.table(
            [Column(_("Theme"), 3.6), Column(_("Action"), 7.0), Column(_("Owner"), 2.6),
             Column(_("Due date"), 2.2), Column(_("Status"), 1.6)],
            [(q.theme(a.theme_id).title.get(w.lang) if a.theme_id in ids else a.theme_id,
              action_text(q, a, w.lang), a.owner, w.day(a.due_date), w.status(a.status))
             for a in progress.earlier_actions])


def _arrow(w: Words, change) -> str:
    """The change as the PDF writes it: ↑ +0,4 (up), ↓ −0,2 (down), → 0,0 (unchanged)."""
    _ = w._
    if change.direction == "up":
        return f"↑ +{w.score(change.delta)} ({_('up')})"
    if change.direction == "down":
        return f"↓ {w.score(change.delta)} ({_('down')})"
    if change.direction == "same":
        return f"→ {w.score(change.delta)} ({_('unchanged')})"
    return "–"


def _theme(writer: WordWriter, w: Words, context: dict[str, Any], number: int, tr,
           distribution, with_comments: bool) -> None:
    _, score, lang = w._, w.score, w.lang
    q, data = context["questionnaire"], context["data"]
    theme = q.theme(tr.theme_id)
    # The first theme starts a page; the others follow on, their headings kept with what
    # follows (a Word document flows, and the consultant's edits move everything anyway).
    writer.heading(f"{number}. {theme.title.get(lang)}", 1, new_page=number == 1)
    # The theme's opening stays with its key figures: no heading alone at a page's foot.
    writer.paragraph(("bold", theme.summary.get(lang)), keep_with_next=True)
    writer.paragraph(theme.intro.get(lang), keep_with_next=True)
    if not context["visible"]:
        writer.paragraph(_("Results are shown when at least %(threshold)d members have "
                           "submitted.", threshold=context["threshold"]))
        _observation(writer, w, data, theme.id)
        return
    if not tr.n:
        writer.paragraph(_("Nobody has scored this theme yet."))
        _observation(writer, w, data, theme.id)
        return
    figures = [(_("Team score"), f"{score(tr.score)} {_('of 5')}"),
               (_("Category"), q.band(tr.band_id).label.get(lang)),
               (_("Members"), str(tr.n)),
               (_("Lowest–highest"), f"{score(tr.min)}–{score(tr.max)}"),
               (_("Standard deviation"), score(tr.sd, 2))]
    if tr.consensus is not None:
        figures.append((_("Agreed score"), score(tr.consensus)))
    # Each column as wide as its label needs, the rest shared out.
    needs = [max(len(label), len(value)) + 4 for label, value in figures]
    writer.table([Column(label, writer.text_width * need / sum(needs))
                  for (label, _v), need in zip(figures, needs, strict=True)],
                 [[v for _l, v in figures]], size=9)
    decision = context["decisions"].get(theme.id)
    if decision:
        said: list[str | tuple[str, str]] = [("bold", _("The team's view") + ". ")]
        if decision.agreed_to_disagree:
            said.append(_("The team agreed to disagree.") + " ")
        if decision.consensus is not None:
            said.append(_("Agreed score: %(consensus)s (the team mean is %(mean)s). The "
                           "category and suggestions follow the agreed score.",
                           consensus=score(decision.consensus), mean=score(tr.score)))
        writer.paragraph(*said)
        if decision.note:
            writer.own_words(decision.note)
    if tr.disagreed:
        writer.paragraph(("bold", _("The team disagrees here.") + " "),
                         _("Member scores lie %(range)s points apart. Talk about why before "
                           "you decide what to do.", range=score(tr.range)))
    _observation(writer, w, data, theme.id)
    writer.heading(_("Member scores"), 2)
    if distribution is not None:
        writer.picture(distribution, width=DISTRIBUTION_WIDTH, keep_with_next=True,
                       alt=_("Dot chart of the member scores; the numbers follow."))
    writer.paragraph(("muted", f"{_('Member scores:')} "
                               f"{'; '.join(score(s) for s in tr.member_scores)}."))
    writer.heading(_("Statements"), 2)
    rows = []
    for question, qr in zip(theme.questions, tr.questions, strict=True):
        text = question.text.get(lang)
        if question.reverse:
            text += f" ({_('reverse-worded')})"
        rows.append((text, score(qr.mean), "–" if qr.min is None else str(qr.min),
                     "–" if qr.max is None else str(qr.max), str(qr.dont_know)))
    writer.table([Column(_("Statement"), 10.0), Column(_("Mean"), 2.1, True),
                  Column(_("Lowest"), 1.6, True), Column(_("Highest"), 1.6, True),
                  Column(q.scale.dont_know.get(lang), 1.7, True)], rows)
    comments = context["comments"].get(theme.id, []) if with_comments else []
    if comments:
        writer.heading(_("Comments"), 2)
        for comment in comments:
            writer.paragraph(comment.text, *((("muted", f" – {comment.author}"),)
                                             if comment.author else ()), style="Quote")
    band = q.band(tr.band_id)
    # A suggestion the team made one of its actions is in the plan: not printed twice.
    taken = {a.suggestion_id for a in context["actions_by_theme"].get(theme.id, ())}
    offered = [s for s in theme.suggestions_for(tr.band_id) if s.id not in taken]
    writer.heading(f"{_('Suggestions')} ({band.label.get(lang)})", 2)
    writer.paragraph(band.description.get(lang))
    for suggestion in offered:
        writer.bullet(("bold", f"{suggestion.title.get(lang)}. "), suggestion.text.get(lang))
    if theme.id in context["actions_by_theme"]:
        writer.paragraph(("muted", _("The team's actions for this theme are in the action "
                                     "plan.")))


def _observation(writer: WordWriter, w: Words, data: AssessmentData, theme_id: str) -> None:
    text = data.report.observation(theme_id)
    if text.strip():
        writer.heading(w._("The consultant's observation"), 2)
        writer.own_words(text)


def _method(writer: WordWriter, w: Words, context: dict[str, Any]) -> None:
    _, score, lang = w._, w.score, w.lang
    q, data = context["questionnaire"], context["data"]
    writer.heading(_("Method and source"), 1)
    points = "; ".join(f"{p.value} = {p.label.get(lang)}" for p in q.scale.points)
    weighted = context["weighted"]
    if weighted:
        weights = (_("Statements count with weight 1, except:") + " " + "; ".join(
            f"“{question.text.get(lang)}” ({_('weight %(weight)s', weight=score(weight, 1))})"
            for question, weight in weighted) + ".")
    else:
        weights = _("In this questionnaire every statement has the same weight.")
    bands = "; ".join(
        f"{b.label.get(lang)}: " + (f"{_('below')} {score(b.below, 2)}" if b.below is not None
                                    else _("the rest of the scale")) for b in q.bands)
    anonymity = (_("The answers were anonymous. Results are shown only when at least "
                   "%(threshold)d members have submitted, and comments carry no names.",
                   threshold=context["threshold"]) if data.anonymous
                 else _("The answers were named."))
    for label, text in (
            (_("The scale"), f"{points}. “{q.scale.dont_know.get(lang)}” "
                             f"{_('does not count in any score.')}"),
            (_("Scores"), " ".join((
                _("A member's score for a theme is the weighted mean of their answers to its "
                  "statements."), weights,
                # The PDF's sentence explains a percent the Word report does not print.
                _("Reverse-worded statements count the other way round (%(total)d minus the "
                  "answer). The team score is the mean of the members' scores; the overall "
                  "score is the mean of the team scores.", total=q.scale.min + q.scale.max),
                _("Where the team recorded an agreed score, the category, the suggestions and "
                  "the improvement areas follow the agreed score; the lists say “agreed” "
                  "beside it."),
                _("Every comparison uses the exact scores; numbers are rounded half-up only "
                  "when they are shown (3.25 shows as %(example)s).", example=score(3.25))))),
            (_("Categories"), f"{bands}. {_('The category picks the suggestions.')}"),
            (_("Disagreement"), _("A theme is marked when the highest and lowest member "
                                  "scores are %(range)s points or more apart.",
                                  range=score(q.disagreement_range))),
            (_("Anonymity"), anonymity),
            (_("Questionnaire"), f"{q.title.get(lang)}, {_('version')} {q.version}."),
            (_("Source"), parts.source(w, q))):
        writer.heading(label, 3)
        writer.paragraph(text)
