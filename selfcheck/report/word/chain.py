"""The chain's report as a Word document: the PDF's (report/chain.py), editable.

Its numbers and charts come from the PDF's ``report_context`` and the comparison document,
which holds nothing the organisation's page hides (core/chain.py): a team or level score
that the anonymity rules hide is not in it, and is printed as "–" or not at all, exactly
where the PDF's heat map prints it so.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from selfcheck.core.records import ChainData
from selfcheck.report import chain as pdf_report
from selfcheck.report.word import parts
from selfcheck.report.word.pictures import rasterise, svg_of
from selfcheck.report.word.texts import Words, words
from selfcheck.report.word.writer import Column, WordWriter

LEVEL_CHART_WIDTH = 9.0  # cm: the six charts on one page


def render(data: ChainData, lang: str, today: date, brand: Any = None) -> bytes:
    context = pdf_report.report_context(data, lang, today, brand)
    w = words(lang)
    _ = w._
    q = context["questionnaire"]
    writer = WordWriter(lang, title=f"{_('The leadership chain')}: {data.name}",
                        subject=q.title.get(lang), author=parts.author(brand))
    writer.running_header(brand, footer=f"selfcheck · {data.name}")
    texts = data.report
    _cover(writer, w, context)
    parts.conclusion(writer, w, texts)
    if texts.shows("summary"):
        _breaks(writer, w, context)
        _heatmap(writer, w, context)
    if texts.shows("themes"):
        _level_charts(writer, w, context)
    parts.closing_words(writer, w, texts, _("Reflections"))
    _method(writer, w, context)
    return writer.to_bytes()


def _cover(writer: WordWriter, w: Words, context: dict[str, Any]) -> None:
    _ = w._
    data, q, result, brand = (context["data"], context["questionnaire"], context["result"],
                              context["brand"])
    writer.paragraph(("muted", _("The leadership chain").upper()), size=11)
    writer.title(q.title.get(w.lang))
    counted = sum(level.counted_teams for level in result.levels)
    teams = str(context["team_count"])
    if counted < context["team_count"]:
        teams += " (" + w.ngettext("%(num)d of them in the comparison",
                                   "%(num)d of them in the comparison", counted) + ")"
    writer.facts([(_("Organisation"), data.name), (_("Date"), context["report_date"]),
                  (_("Levels"), " · ".join(context["level_names"])), (_("Teams"), teams)])
    parts.cover_end(writer, w, q, brand)


def _statement(w: Words, q, question_id: str) -> str:
    return w._("the statement “%(text)s”",
               text=q.question(question_id).text.get(w.lang).strip("."))


def _breaks(writer: WordWriter, w: Words, context: dict[str, Any]) -> None:
    """Where the chain breaks, what the source expects, what was compared
    (organisations/_comparison.html)."""
    _, score, lang = w._, w.score, w.lang
    q, result, names = context["questionnaire"], context["result"], context["level_names"]
    writer.heading(_("Where the chain breaks"), 1)
    if result.breaks:
        writer.paragraph(_("Adjacent levels whose scores for a theme lie %(gap)s points or "
                           "more apart, compared on the statements both levels answered; "
                           "largest first.", gap=score(q.chain_gap)))
        seen: set[str] = set()
        for number, b in enumerate(result.breaks, 1):
            theme = q.theme(b.theme_id)
            upper, lower = names[b.upper], names[b.lower]
            line: list[str | tuple[str, str]] = [
                f"{number}. ", ("bold", f"{theme.title.get(lang)}:")]
            if b.question_id:
                line.append(f" {_statement(w, q, b.question_id)}:")
            line.append(f" {upper} {score(b.upper_score)}, {lower} {score(b.lower_score)} "
                         f"({_('%(gap)s points apart', gap=score(b.gap))})")
            writer.paragraph(*line, keep_with_next=True)
            if b.question_id:
                writer.paragraph(("muted", _("The source leads us to expect the opposite "
                                             "direction here.")))
            key = f"{b.theme_id} {b.upper} {b.lower} {b.direction}"
            if theme.chain_suggestions and key not in seen:
                seen.add(key)
                for s in theme.chain_suggestions:
                    if s.direction is None or s.direction == b.direction:
                        title, text = s.for_pair(lang, upper, lower)
                        writer.bullet(("bold", f"{title}. "), text)
    elif any(c.comparable for c in result.comparisons):
        writer.paragraph(_("No break: adjacent levels lie less than %(gap)s points apart on "
                           "every theme they could be compared on.", gap=score(q.chain_gap)))
    elif result.has_scores:
        writer.paragraph(_("Only one level has scores so far. The levels are compared once "
                           "two of them have."))
    if result.expected:
        writer.heading(_("Differences the source leads us to expect"), 2)
        for e in result.expected:
            why = (_("According to the source, a level further down is expected to score this "
                     "lower, so it is not a break.")
                   if q.question(e.question_id).chain_expected == "lower_down" else
                   _("According to the source, a level further down is expected to score this "
                     "higher, so it is not a break."))
            writer.bullet(("bold", f"{q.theme(e.theme_id).title.get(lang)}:"),
                          f" {_statement(w, q, e.question_id)}: {names[e.upper]} "
                          f"{score(e.upper_score)}, {names[e.lower]} {score(e.lower_score)}. "
                          f"{why}")
    partial, apart = result.partial(), result.not_comparable()
    if partial or apart:
        writer.heading(_("What was compared"), 2)
        for c in apart:
            writer.bullet(("bold", f"{q.theme(c.theme_id).title.get(lang)}, {names[c.upper]} – "
                                   f"{names[c.lower]}:"),
                          " " + _("cannot be compared on this theme: the two levels did not "
                                  "answer the same statements."))
        for c in partial:
            total = len(q.theme(c.theme_id).questions)
            text = " " + w.ngettext("compared on %(num)d of the theme's %(total)d statements.",
                                    "compared on %(num)d of the theme's %(total)d statements.",
                                    len(c.compared), total=total)
            if c.asked_of_one:
                text += " " + _("Left out, since only one of the two levels is asked it:") + \
                    " " + ", ".join(f"“{q.question(i).text.get(lang).strip('.')}”"
                                    for i in c.asked_of_one) + "."
            for i in c.expected:
                outcome = result.outcome(c, i)
                said = (_("an expected difference, see above") if outcome == "expected" else
                        _("a break, see above") if outcome == "break" else
                        _("less than %(gap)s points apart", gap=score(q.chain_gap)))
                text += (f" {_('Compared on its own, with the direction the source expects:')}"
                         f" “{q.question(i).text.get(lang).strip('.')}” ({said}).")
            writer.bullet(("bold", f"{q.theme(c.theme_id).title.get(lang)}, {names[c.upper]} – "
                                   f"{names[c.lower]}:"), text)


def _heatmap(writer: WordWriter, w: Words, context: dict[str, Any]) -> None:
    """Levels and themes: a row per level and per team, a column per theme. A team's cell
    holds only what the level may show for that theme; a level whose teams are hidden says
    so in a row of its own, as the PDF's heat map does."""
    _, score, lang = w._, w.score, w.lang
    q, result, names = context["questionnaire"], context["result"], context["level_names"]
    band_for, threshold = context["band_for"], context["threshold"]
    # Six themes' names side by side need the width of a landscape page.
    writer.landscape()
    writer.heading(_("Levels and themes"), 1)
    # The PDF colours a level's cell by its category; here the category is written under
    # the score.
    writer.paragraph(_("Each level's score is the mean of its teams' scores; every team "
                       "counts once. Under a level's score is its category."))
    theme_width = (writer.text_width - 5.0) / len(q.themes)
    columns = [Column(_("Level"), 5.0)] + [
        Column(f"{number}. {theme.title.get(lang)}", theme_width, True)
        for number, theme in enumerate(q.themes, 1)]
    rows: list[Any] = []
    notes: list[int] = []
    levels: list[int] = []
    for level in result.levels:
        levels.append(len(rows))
        counts = (w.ngettext("%(num)d team", "%(num)d teams", level.counted_teams) + ", " +
                  w.ngettext("%(num)d respondent", "%(num)d respondents", level.respondents))
        cells = [f"{names[level.index]}\n{counts}"]
        for theme in q.themes:
            s = level.scores[theme.id]
            band = band_for(s)
            cells.append(score(s) + (f"\n{q.band(band).label.get(lang)}" if band else ""))
        rows.append(cells)
        for team in level.teams:
            cells = [team.name + (f" ({_('left out')})" if not team.counted else "")]
            for theme in q.themes:
                value = team.scores.get(theme.id)
                if value is None:
                    cells.append("–")
                    continue
                agreed = team.consensus.get(theme.id)
                cells.append(score(value) + (f"\n{_('agreed')} {score(agreed)}"
                                             if agreed is not None else ""))
            rows.append(cells)
        hidden = [level.hidden(t.id) for t in q.themes if level.hidden(t.id)]
        if level.teams and hidden:
            notes.append(len(rows))
            rows.append(
                _("Fewer than %(count)d respondents on this level for a theme: its teams' "
                  "scores are not shown, and where only one member answered, neither is the "
                  "level's score, to protect the members.", count=threshold)
                if "score" in hidden else
                _("Fewer than %(count)d respondents on this level: its teams' scores are not "
                  "shown, to protect the members.", count=threshold))
    writer.table(columns, rows, keep_together=False, size=8.5, notes=notes,
                 bold=levels)
    left_out = result.left_out()
    if left_out:
        writer.heading(_("Teams left out of the comparison"), 2)
        for index, team in left_out:
            reason = (w.ngettext("anonymous answers from %(num)d member; a team counts from "
                                 "%(threshold)d, to protect the members.",
                                 "anonymous answers from %(num)d members; a team counts from "
                                 "%(threshold)d, to protect the members.", team.respondents,
                                 threshold=threshold)
                      if team.reason == "anonymous_below_threshold"
                      else _("nobody has submitted answers yet."))
            writer.bullet(f"{team.name} ({names[index]}): {reason}")
    writer.portrait()


def _level_charts(writer: WordWriter, w: Words, context: dict[str, Any]) -> None:
    _ = w._
    q, charts = context["questionnaire"], context["level_charts"]
    writer.heading(_("Each theme through the chain"), 1)
    writer.paragraph(_("The large dot is the level's score; the rings are its teams, shown "
                       "when the level has at least %(threshold)d respondents.",
                       threshold=context["threshold"]))
    pictures = rasterise([svg_of(charts[theme.id]) for theme in q.themes])
    for number, (theme, picture) in enumerate(zip(q.themes, pictures, strict=True), 1):
        title = theme.title.get(w.lang)
        writer.heading(f"{number}. {title}", 2)
        writer.picture(picture, width=LEVEL_CHART_WIDTH,
                       alt=_("%(theme)s by level", theme=title) + ". " + _level_alt(
                           w, context, theme.id))


def _level_alt(w: Words, context: dict[str, Any], theme_id: str) -> str:
    """The chart's numbers in words, for a reader who cannot see it: each level's score."""
    result, names = context["result"], context["level_names"]
    return "; ".join(f"{names[level.index]} {w.score(level.scores[theme_id])}"
                     for level in result.levels) + "."


def _method(writer: WordWriter, w: Words, context: dict[str, Any]) -> None:
    _ = w._
    q = context["questionnaire"]
    writer.heading(_("Method"), 1)
    writer.paragraph(_(
        "Each team answered the self-assessment on its own. A team's score for a theme is the "
        "mean of its members' scores; a level's score is the mean of its teams' scores, so "
        "every team counts once. Anonymous teams count only with at least %(threshold)d "
        "members who answered. Two adjacent levels are a break in the chain when their "
        "scores lie %(gap)s points or more apart; every comparison uses the exact scores, and "
        "numbers are rounded half-up only when shown.", threshold=context["threshold"],
        gap=w.score(q.chain_gap)))
    writer.paragraph(parts.source(w, q))
