"""The stored data (DESIGN.md §3). Scores are never stored: core/scoring.py computes them.

Tokens are stored only as SHA-256 hashes (see core/tokens.py). Each assessment keeps
the questionnaire it was created with as a JSON snapshot, so editing
questions.toml later never changes an old assessment.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    Select,
    String,
    Text,
    UniqueConstraint,
    select,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

#: The largest id an Integer column holds on PostgreSQL (int4). A number from a URL above it
#: would make the database raise instead of finding nothing.
ID_MAX = 2**31 - 1


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class Assessment(Base):
    __tablename__ = "assessment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation: Mapped[str] = mapped_column(String(200))
    team: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(5))
    anonymous: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(String(10), default="open")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The questionnaire it was created with, stored once per distinct file (QuestionnaireSnapshot).
    questionnaire_hash: Mapped[str] = mapped_column(
        ForeignKey("questionnaire_snapshot.hash"), index=True)
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("assessment.id"), index=True)
    facilitator_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    join_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The short join code (tokens.join_code_for), hashed; NULL for assessments made before codes.
    join_code_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    join_code_attempt: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The recommendation the facilitator has open in the workshop; the presenter view follows it.
    workshop_theme_id: Mapped[str | None] = mapped_column(String(100))
    # A team in an organisation's leadership chain (services/organisations.py); None for a
    # lone team.
    level_id: Mapped[int | None] = mapped_column(ForeignKey("level.id"), index=True)
    # Random salt from which the organisation's token derives this team's facilitator token.
    team_nonce: Mapped[str | None] = mapped_column(String(64))
    #: "after_submit": members see the team results once they have submitted;
    #: "when_revealed": only after the facilitator reveals them (``revealed_at``).
    reveal: Mapped[str] = mapped_column(String(20), default="when_revealed",
                                        server_default="when_revealed")
    revealed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The facilitator token encrypted with the app's secret key (tokens.seal), kept only for an
    # assessment held by an account, so the workspace can show its join link and code again.
    facilitator_token_sealed: Mapped[str | None] = mapped_column(String(300))
    # Bumped by every change the report shows (revisions.py); the PDF cache is keyed on it.
    revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The content's conditions (core/content.Condition) that hold for this team, which decide
    # the statements it is asked; null: every condition holds (a team on its own, and every
    # team from before conditions existed). Set from its level when a team joins a chain.
    conditions: Mapped[list[str] | None] = mapped_column(JSON)

    participants: Mapped[list[Participant]] = relationship(
        back_populates="assessment", order_by="Participant.id", cascade="all, delete-orphan"
    )
    previous: Mapped[Assessment | None] = relationship(
        remote_side="Assessment.id", back_populates="follow_ups")
    follow_ups: Mapped[list[Assessment]] = relationship(back_populates="previous")
    decisions: Mapped[list[ThemeDecision]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan"
    )
    actions: Mapped[list[Action]] = relationship(
        back_populates="assessment", order_by="Action.id", cascade="all, delete-orphan"
    )
    level: Mapped[Level | None] = relationship(back_populates="teams")
    snapshot: Mapped[QuestionnaireSnapshot] = relationship()
    report_text: Mapped[ReportText | None] = relationship(
        back_populates="assessment", cascade="all, delete-orphan")

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    @property
    def condition_set(self) -> frozenset[str] | None:
        return None if self.conditions is None else frozenset(self.conditions)

    @property
    def questionnaire(self) -> dict[str, Any]:
        """The questionnaire file as plain data (assessments.questionnaire_of parses it)."""
        return self.snapshot.document


class QuestionnaireSnapshot(Base):
    """One questionnaire file as it was when assessments were made from it, keyed by its hash.

    Every assessment made from the same questions.toml shares one row: about 46 KB once,
    instead of once per assessment (10 000 assessments had made it 449 of 578 MiB).
    """

    __tablename__ = "questionnaire_snapshot"

    hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)


class Organisation(Base):
    """A leadership chain: ordered levels, each with teams (DESIGN.md §4, the chain).

    Its own capability link opens the comparison; it never opens a team's facilitator page or
    a member's answers.
    """

    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(5))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    # As Assessment.facilitator_token_sealed: kept only once an account holds the organisation.
    token_sealed: Mapped[str | None] = mapped_column(String(300))
    branding_id: Mapped[int | None] = mapped_column(
        ForeignKey("branding.id", ondelete="SET NULL"), index=True)
    # Bumped by every change of its own that the chain's report shows: its name, its levels,
    # its texts (revisions.py). The chain's PDF is cached on it and its teams' revisions.
    revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    levels: Mapped[list[Level]] = relationship(
        back_populates="organisation", order_by="Level.position", cascade="all, delete-orphan")
    previous: Mapped[Organisation | None] = relationship(remote_side="Organisation.id")
    branding: Mapped[Branding | None] = relationship()
    report_text: Mapped[ReportText | None] = relationship(
        back_populates="organisation", cascade="all, delete-orphan")


class Level(Base):
    """One level of the chain, top first (position 1), named in both languages."""

    __tablename__ = "level"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name_da: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    # The conditions that hold for the level's teams (Assessment.conditions); null: all.
    conditions: Mapped[list[str] | None] = mapped_column(JSON)

    organisation: Mapped[Organisation] = relationship(back_populates="levels")
    teams: Mapped[list[Assessment]] = relationship(back_populates="level", order_by="Assessment.id")

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_da


class Participant(Base):
    __tablename__ = "participant"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"),
                                               index=True)
    resume_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(100))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    assessment: Mapped[Assessment] = relationship(back_populates="participants")
    answers: Mapped[list[Answer]] = relationship(
        back_populates="participant", cascade="all, delete-orphan"
    )
    comments: Mapped[list[ThemeComment]] = relationship(
        back_populates="participant", cascade="all, delete-orphan"
    )


class Answer(Base):
    """One member's answer to one statement; ``value`` None means "don't know"."""

    __tablename__ = "answer"
    __table_args__ = (UniqueConstraint("participant_id", "question_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(100))
    value: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    participant: Mapped[Participant] = relationship(back_populates="answers")


class ThemeComment(Base):
    __tablename__ = "theme_comment"
    __table_args__ = (UniqueConstraint("participant_id", "theme_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"))
    theme_id: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    participant: Mapped[Participant] = relationship(back_populates="comments")


class ThemeDecision(Base):
    """What the team agreed on one recommendation in the workshop."""

    __tablename__ = "theme_decision"
    __table_args__ = (UniqueConstraint("assessment_id", "theme_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"))
    theme_id: Mapped[str] = mapped_column(String(100))
    consensus: Mapped[float | None] = mapped_column(Float)
    note: Mapped[str] = mapped_column(Text, default="")
    agreed_to_disagree: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    assessment: Mapped[Assessment] = relationship(back_populates="decisions")


class Action(Base):
    """One line of the team's action plan."""

    __tablename__ = "action"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"),
                                               index=True)
    theme_id: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(100), default="")
    due_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="planned")
    suggestion_id: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    assessment: Mapped[Assessment] = relationship(back_populates="actions")


class ReportText(Base):
    """The consultant's own words in one assessment's report, or one organisation's (never
    both): core/records.ReportTexts as stored (services/report_texts.py reads and writes it).

    The observations and reflections are JSON objects (theme id or reflection id → text),
    the sections a JSON list out of records.REPORT_SECTIONS; every text was checked against
    limits.REPORT_TEXT_MAX and OBSERVATION_MAX before it got here.
    """

    __tablename__ = "report_text"
    __table_args__ = (
        CheckConstraint("(assessment_id IS NULL) <> (organisation_id IS NULL)",
                        name="report_text_one_target"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assessment.id", ondelete="CASCADE"), unique=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), unique=True)
    conclusion: Mapped[str] = mapped_column(Text, default="")
    observations: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    next_steps: Mapped[str] = mapped_column(Text, default="")
    reflections: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    sections: Mapped[list[str]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    assessment: Mapped[Assessment | None] = relationship(back_populates="report_text")
    organisation: Mapped[Organisation | None] = relationship(back_populates="report_text")


class Account(Base):
    """A facilitator's or consultant's login (accounts/). Members never need one."""

    __tablename__ = "account"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower case
    password_hash: Mapped[str] = mapped_column(String(200))
    # Part of every login session's identity: changing it logs the account out everywhere.
    session_secret: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    branding_id: Mapped[int | None] = mapped_column(
        ForeignKey("branding.id", ondelete="SET NULL"), index=True)

    branding: Mapped[Branding | None] = relationship()

    # What Flask-Login asks of a user object (web/auth/routes.py); kept here without importing it.
    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        """The login session's id: the account and its session secret
        (services/accounts/users.py)."""
        return f"{self.id}:{self.session_secret}"


class LoginSession(Base):
    """One login of an account, on one device: the server's half of the session cookie.

    The cookie is signed, so a copy of it stays valid as long as the server accepts it.
    Logging out deletes this row, and with it every copy of that cookie; "log out
    everywhere" and a new password delete all of the account's rows."""

    __tablename__ = "login_session"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"),
                                            index=True)
    sid_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Access(Base):
    """One account's role on one assessment or one organisation (never both).

    ``owner`` may share, brand and delete; ``facilitator`` runs the assessment or the chain.
    Access to an organisation covers each of its teams (services/accounts/access.py decides).
    """

    __tablename__ = "access"
    __table_args__ = (
        UniqueConstraint("account_id", "assessment_id"),
        UniqueConstraint("account_id", "organisation_id"),
        CheckConstraint("(assessment_id IS NULL) <> (organisation_id IS NULL)",
                        name="access_one_target"),
        CheckConstraint("role IN ('owner', 'facilitator')", name="access_role"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"),
                                            index=True)
    assessment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assessment.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    # For an organisation: whether the access also opens each team's facilitator page. Not
    # when it came from holding the organisation's link, which never opened them.
    covers_teams: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    account: Mapped[Account] = relationship()


class Invitation(Base):
    """A one-time link that gives whoever opens it (logged in) a role; stored hashed."""

    __tablename__ = "invitation"
    __table_args__ = (
        CheckConstraint("(assessment_id IS NULL) <> (organisation_id IS NULL)",
                        name="invitation_one_target"),
        CheckConstraint("role IN ('owner', 'facilitator')", name="invitation_role"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    assessment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assessment.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    covers_teams: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    created_by_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"),
                                               index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Branding(Base):
    """A name and a logo for the PDF cover and page header (services/accounts/branding.py).

    The logo is stored only after Pillow decoded it and wrote it again as PNG or JPEG.
    """

    __tablename__ = "branding"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    logo: Mapped[bytes | None] = mapped_column(LargeBinary)
    logo_type: Mapped[str | None] = mapped_column(String(20))  # image/png or image/jpeg
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


def team_ids(*organisation_ids: int) -> Select:
    """The ids of the teams (assessments) of these organisations: the one query for "every
    team of an organisation" that revisions, branding and deletion share."""
    return select(Assessment.id).join(Level).where(Level.organisation_id.in_(organisation_ids))
