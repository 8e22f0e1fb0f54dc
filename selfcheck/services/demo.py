"""The example assessment: a realistic team so a newcomer sees results at once.

Twelve members of a municipal leadership team. They broadly agree on some
recommendations (goals are known; there are too many of them) and clearly
disagree on others (cross-cutting goals, follow-up), which is what makes a
workshop worth holding. The answers come from a fixed seed, so the example
is the same every time.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from selfcheck.core.content import Text, parse_questionnaire
from selfcheck.models import utcnow
from selfcheck.services import answers as answer_service
from selfcheck.services import assessments
from selfcheck.services import workshop as workshop_service

NAMES = (
    "Anne Holm", "Bo Lauridsen", "Camilla Friis", "Dorthe Bak", "Erik Møller", "Frederik Juhl",
    "Gitte Skov", "Hans Dalgaard", "Ida Kragh", "Jens Vinther", "Karin Østergaard", "Lars Brandt",
)

#: Per theme, the intended score of each member: a broad agreement is one centre
#: for everybody; a disagreement is two camps.
PROFILES: dict[str, tuple[float, ...]] = {
    "purpose": (4.2,) * 12,
    "outside_in": (3.0,) * 12,
    "cross_cutting": (1.8, 2.0, 4.4, 2.2, 4.6, 1.9, 4.2, 2.1, 4.5, 2.0, 4.3, 2.3),
    "leadership_chain": (3.6,) * 12,
    "few_concrete": (2.0,) * 12,
    "follow_up": (4.2, 1.8, 4.0, 4.1, 1.6, 4.3, 3.9, 1.9, 4.0, 4.2, 3.8, 2.0),
}

COMMENTS: dict[str, tuple[tuple[int, Text], ...]] = {
    "purpose": (
        (0, Text("Vi er gode til at fortælle om målene, men hører sjældent, hvad medarbejderne "
                 "forstår ved dem.",
                 "We are good at talking about the goals but rarely hear what staff make of "
                 "them.")),
    ),
    "cross_cutting": (
        (1, Text("Vores tværgående mål findes på papiret. I budgettet tænker vi stadig i søjler.",
                 "Our cross-cutting goals exist on paper. In the budget we still think in silos.")),
        (2, Text("Samarbejdet om de unge uden uddannelse viser, at det kan lade sig gøre.",
                 "The work on young people without education shows that it can be done.")),
    ),
    "few_concrete": (
        (4, Text("Vi har over 40 mål i direktionens opfølgning. Ingen kan huske dem alle.",
                 "We have more than 40 goals in the top team's follow-up. Nobody can remember "
                 "them all.")),
        (7, Text("Hver gang der kommer et nyt mål, lægger vi det bare oveni.",
                 "Every time a new goal arrives, we simply add it on top.")),
    ),
    "follow_up": (
        (1, Text("Vi får flotte kvartalsrapporter, men jeg kan ikke huske, hvornår en af dem "
                 "sidst ændrede noget.",
                 "We get fine quarterly reports, but I cannot remember when one last changed "
                 "anything.")),
        (5, Text("Opfølgningen på ældreområdet har ført til rigtige ændringer i år.",
                 "The follow-up in elderly care has led to real changes this year.")),
    ),
}


def _answer(rng: random.Random, centre: float, reverse: bool) -> int | None:
    if rng.random() < 0.04:
        return None  # "don't know"
    value = min(5, max(1, round(rng.gauss(centre, 0.55))))
    return 6 - value if reverse else value


def create_demo(
    session: Session, document: Mapping[str, Any], lang: str = "da"
) -> assessments.Links:
    """Create the example assessment and return its links."""
    questionnaire = parse_questionnaire(document)
    organisation = "Eksempel Kommune" if lang == "da" else "Example Municipality"
    team = "Direktionen" if lang == "da" else "Executive board"
    earlier = _last_year(session, document, questionnaire, organisation, team, lang)
    assessment, links = assessments.create_assessment(
        session, document, organisation=organisation, team=team, language=lang,
        anonymous=False, previous=earlier)
    rng = random.Random(2019)
    for index, name in enumerate(NAMES):
        participant, _token = answer_service.join(session, assessment, name)
        for theme in questionnaire.themes:
            centre = PROFILES.get(theme.id, (3.0,) * len(NAMES))[index]
            values = {q.id: _answer(rng, centre, q.reverse) for q in theme.questions}
            comment = next(
                (text.get(lang) for who, text in COMMENTS.get(theme.id, ()) if who == index), None
            )
            answer_service.save_step(session, participant, theme, values, comment)
        if index < len(NAMES) - 1:  # the last member has not submitted yet
            participant.submitted_at = utcnow()
    session.commit()
    _workshop(session, assessment, questionnaire, lang)
    return links


#: Last year the team was weaker on the goals being known and on follow-up.
LAST_YEAR_SHIFT = {"purpose": -0.9, "follow_up": -0.6, "few_concrete": +0.2}


def _last_year(session: Session, document, questionnaire, organisation: str, team: str,
               lang: str):
    """The team's closed assessment from a year ago, which the example follows up."""
    earlier, _links = assessments.create_assessment(
        session, document, organisation=organisation, team=team, language=lang,
        anonymous=False)
    rng = random.Random(2018)
    for index, name in enumerate(NAMES[:10]):
        participant, _token = answer_service.join(session, earlier, name)
        for theme in questionnaire.themes:
            centre = PROFILES[theme.id][index] + LAST_YEAR_SHIFT.get(theme.id, 0.0)
            values = {q.id: _answer(rng, centre, q.reverse) for q in theme.questions}
            answer_service.save_step(session, participant, theme, values, None)
        participant.submitted_at = utcnow()
    workshop_service.save_decision(session, earlier, "purpose", consensus=3.0, note="",
                              agreed_to_disagree=False)
    workshop_service.add_action(
        session, earlier, "purpose",
        text=Text("Alle chefer bruger én side om målene på deres personalemøder.",
                  "Every manager uses one page about the goals at their staff meetings.")
        .get(lang), owner="Karin Østergaard", due_date=date(2026, 3, 1), status="done")
    workshop_service.add_action(
        session, earlier, "follow_up",
        text=Text("Fire faste punkter om målopfølgning i direktionens årshjul.",
                  "Four fixed follow-up items in the board's annual plan.").get(lang),
        owner="Hans Dalgaard", due_date=date(2026, 6, 1), status="started")
    year_ago = utcnow() - timedelta(days=365)
    earlier.created_at = year_ago
    earlier.closed_at = year_ago + timedelta(days=14)
    earlier.status = "closed"
    session.commit()
    return earlier


def _workshop(session: Session, assessment, questionnaire, lang: str) -> None:
    """What the team decided in its workshop: consensus, a disagreement, actions."""
    workshop_service.save_decision(
        session, assessment, "follow_up", consensus=2.5, agreed_to_disagree=False,
        note=Text("Vi måler meget, men følger sjældent op med beslutninger. Det er det, vi vil "
                  "ændre.", "We measure a lot but rarely follow up with decisions. That is "
                  "what we want to change.").get(lang))
    workshop_service.save_decision(
        session, assessment, "cross_cutting", consensus=None, agreed_to_disagree=True,
        note=Text("Social- og sundhedsområdet oplever samarbejdet anderledes end teknik og "
                  "miljø. Vi tager det op igen i foråret.",
                  "Social and health see the collaboration differently from technical "
                  "services. We return to it in the spring.").get(lang))
    workshop_service.save_decision(session, assessment, "few_concrete", consensus=2.0, note="",
                              agreed_to_disagree=False)
    follow_up = questionnaire.theme("follow_up")
    decide = next(s for s in follow_up.suggestions if s.id == "follow_up_dev_decide")
    workshop_service.add_action(
        session, assessment, "follow_up",
        text=f"{decide.title.get(lang)}. {decide.text.get(lang)}", owner="Anne Holm",
        due_date=date(2027, 2, 1), status="started", suggestion_id=decide.id)
    count = questionnaire.theme("few_concrete").suggestions[0]
    workshop_service.add_action(
        session, assessment, "few_concrete",
        text=f"{count.title.get(lang)}. {count.text.get(lang)}", owner="Erik Møller",
        due_date=date(2027, 3, 1), status="planned", suggestion_id=count.id)
    workshop_service.add_action(
        session, assessment, "cross_cutting",
        text=Text("Fælles møde mellem social- og teknikchefen om de unge uden uddannelse.",
                  "Joint meeting of the heads of social and technical services on young "
                  "people without education.").get(lang),
        owner="Bo Lauridsen", due_date=date(2027, 1, 15), status="planned")


# ----------------------------------------------------------------------------- the chain

#: The example chain: what each level thinks of each recommendation. The top believes
#: everybody knows the goals and that the chain shares them; the institutions do not.
CHAIN_PROFILES: dict[str, tuple[float, float, float]] = {
    #                   direktion, chefgrupper, institutionsledere
    "purpose": (4.5, 3.6, 2.2),
    "outside_in": (3.4, 3.2, 3.5),
    "cross_cutting": (3.0, 2.6, 2.4),
    "leadership_chain": (4.3, 3.4, 2.3),
    "few_concrete": (2.6, 2.8, 3.1),
    "follow_up": (3.8, 3.5, 2.9),
}

#: (level position, team name, members, anonymous)
CHAIN_TEAMS = (
    (1, "Direktionen", 5, False),
    (2, "Chefgruppen for Børn og Unge", 6, True),
    (2, "Chefgruppen for Social og Sundhed", 6, True),
    (2, "Chefgruppen for Teknik og Miljø", 5, True),
    (3, "Dagtilbud Nord", 7, True),
    (3, "Dagtilbud Syd", 6, True),
    (3, "Skolerne i Midtbyen", 8, True),
    (3, "Ældreplejen Øst", 6, True),
    (3, "Handicapområdet", 2, True),  # too few to count: shown as left out
)


def create_demo_organisation(session: Session, document: Mapping[str, Any],
                             lang: str = "da") -> str:
    """The example leadership chain; returns the organisation's token.

    A direktion, three chefgrupper and five teams of institution leaders (one with too
    few answers to count), with answers that show a break in the chain on "the goals
    and their purpose are known" and on the shared commitment through the chain.
    """
    from selfcheck.services import organisations

    questionnaire = parse_questionnaire(document)
    # the content's levels, with the conditions that decide which statements each is asked
    levels = [(level.name.da, level.name.en, level.conditions)
              for level in questionnaire.levels] or [
        ("Direktion", "Executive board"), ("Chefgrupper", "Heads of service"),
        ("Institutionsledere", "Unit managers", [])]
    name = "Eksempel Kommune" if lang == "da" else "Example Municipality"
    organisation, token = organisations.create_organisation(session, name=name, language=lang,
                                                            levels=levels)
    created = organisations.add_teams(
        session, organisation, token, document,
        [organisations.NewTeam(position, team, anonymous, lang)
         for position, team, _members, anonymous in CHAIN_TEAMS])
    rng = random.Random(2024)
    for (position, _team, members, _anonymous), team in zip(CHAIN_TEAMS, created, strict=True):
        level_index = min(position, len(CHAIN_PROFILES["purpose"])) - 1
        asked = assessments.questionnaire_of(team.assessment)  # the statements that apply
        for index in range(members):
            participant, _token = answer_service.join(session, team.assessment,
                                                   f"Leder {index + 1}")
            for theme in asked.themes:
                centre = CHAIN_PROFILES.get(theme.id, (3.0,) * 3)[level_index]
                values = {q.id: _answer(rng, centre, q.reverse) for q in theme.questions}
                answer_service.save_step(session, participant, theme, values, None)
            participant.submitted_at = utcnow()
        session.commit()
    return token
