"""The service's database tables (SQLAlchemy 2 ORM) and the enums their columns hold.

Migrations under ``migrations/versions`` create exactly these tables; change the two together.
Enums are stored as their ``value`` (strings), so the database reads well without the code.
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    DateTime,
    Dialect,
    Enum,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from capwatch.model import Verdict


def utcnow() -> datetime:
    return datetime.now(UTC)


class Role(enum.Enum):
    UPLOADER = "uploader"
    """May upload artifacts and read scans."""
    REVIEWER = "reviewer"
    """May read scans, sign in to the web UI and record decisions."""
    ADMIN = "admin"
    """May do everything."""


class JobStatus(enum.Enum):
    QUEUED = "queued"
    SCANNING = "scanning"
    DONE = "done"
    ERROR = "error"
    """The scan could not finish within the attempt limit (the reason is in ``last_error``)."""


class Decision(enum.Enum):
    MALICIOUS = "malicious"
    BENIGN = "benign"
    NEEDS_INFO = "needs-info"


def _values(cls: type[enum.Enum]) -> list[str]:
    return [str(member.value) for member in cls]


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    return Enum(cls, name=name, native_enum=False, values_callable=_values, length=16,
                validate_strings=True)


class VerdictType(TypeDecorator[Verdict]):
    """Stores a :class:`~capwatch.model.Verdict` as its label (``malicious``, ``clean``...)."""

    impl = String(16)
    cache_ok = True

    def process_bind_param(self, value: Verdict | None, dialect: Dialect) -> str | None:
        return None if value is None else value.label

    def process_result_value(self, value: Any, dialect: Dialect) -> Verdict | None:
        return None if value is None else Verdict[str(value).upper()]


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite drops the zone otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


QUEUE_RANK = {Verdict.MALICIOUS: 3, Verdict.SUSPICIOUS: 2, Verdict.ERROR: 1, Verdict.CLEAN: 0}
"""Reviewer queue order: malicious first, then suspicious, errors, clean."""


class Base(DeclarativeBase):
    pass


class Token(Base):
    __tablename__ = "tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(_enum(Role, "role"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    """sha256 of the token (tokens are 256 random bits, so a fast hash is enough)."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Scan(Base):
    """One artifact (by sha256) and its scan job: uploading the same file again reuses it."""

    __tablename__ = "scans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    size: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(500))
    project: Mapped[str | None] = mapped_column(String(200), nullable=True, index=True)
    version: Mapped[str | None] = mapped_column(String(100), nullable=True)
    status: Mapped[JobStatus] = mapped_column(_enum(JobStatus, "job_status"), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    """The worker claim (instance and attempt) a result must match to be recorded."""
    verdict: Mapped[Verdict | None] = mapped_column(VerdictType, nullable=True, index=True)
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    rank: Mapped[int] = mapped_column(Integer, default=-1, index=True)
    """Queue order from the verdict (:data:`QUEUE_RANK`); -1 before a verdict."""
    result_json: Mapped[str | None] = mapped_column(Text, nullable=True)
    """The ``capwatch.scan/1`` result, stored as ``result_to_dict`` produced it."""
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    ruleset: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    """The rule-set version (:func:`capwatch.dataset.ruleset.ruleset_version`) of the verdict."""
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    """When the current job was queued (the upload, or a re-scan): time to verdict starts here."""
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    """Celery mode: when a task for the current job was last sent to the broker (the outbox:
    None means not sent yet)."""
    task_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    """Celery mode: the task message whose execution holds the claim."""
    project_key: Mapped[str | None] = mapped_column(String(220), nullable=True, index=True)
    """``ecosystem:normalised-name`` of the release (from the artifact's metadata, else the
    upload's ``project``), set with the result: how earlier releases are found for drift."""
    release_version: Mapped[str | None] = mapped_column(String(100), nullable=True)
    """The release's version (artifact metadata, else the upload's ``version``), set with the
    result; compared with :class:`packaging.version.Version`."""
    previous_scan_id: Mapped[int | None] = mapped_column(ForeignKey("scans.id"), nullable=True)
    """The scan of the earlier release the drift was computed against (None: no drift)."""
    drift_json: Mapped[str | None] = mapped_column(Text, nullable=True)
    """The ``capwatch.diff/1`` document of that drift (:func:`capwatch.report.diff.drift_to_dict`)."""


class VerdictChange(Base):
    """A re-scan under another rule-set version changed an artifact's verdict."""

    __tablename__ = "verdict_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scan_id: Mapped[int] = mapped_column(ForeignKey("scans.id"), index=True)
    old_verdict: Mapped[Verdict] = mapped_column(VerdictType)
    new_verdict: Mapped[Verdict] = mapped_column(VerdictType)
    old_ruleset: Mapped[str | None] = mapped_column(String(64), nullable=True)
    new_ruleset: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class Upload(Base):
    """Each time a file was submitted, with what the submitter said about it."""

    __tablename__ = "uploads"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scan_id: Mapped[int] = mapped_column(ForeignKey("scans.id"), index=True)
    filename: Mapped[str] = mapped_column(String(500))
    project: Mapped[str | None] = mapped_column(String(200), nullable=True)
    version: Mapped[str | None] = mapped_column(String(100), nullable=True)
    uploader: Mapped[str | None] = mapped_column(String(200), nullable=True)
    source: Mapped[str | None] = mapped_column(String(500), nullable=True)
    token_id: Mapped[int | None] = mapped_column(ForeignKey("tokens.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Review(Base):
    """The audit log: one row per reviewer decision, never updated or deleted (database triggers
    from migration 0005 refuse both)."""

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scan_id: Mapped[int] = mapped_column(ForeignKey("scans.id"), index=True)
    decision: Mapped[Decision] = mapped_column(_enum(Decision, "decision"))
    note: Mapped[str] = mapped_column(Text, default="")
    reviewer: Mapped[str] = mapped_column(String(200))
    token_id: Mapped[int] = mapped_column(ForeignKey("tokens.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class ReportTrigger(enum.Enum):
    """Why an observation was sent to the registry."""

    REVIEW = "review"
    """A reviewer decided ``malicious``."""
    AUTO = "auto"
    """The scan's verdict was ``malicious`` (with ``--report-auto-malicious``)."""


class Report(Base):
    """An attempt to send an observation to the registry, and its outcome."""

    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scan_id: Mapped[int] = mapped_column(ForeignKey("scans.id"), index=True)
    ok: Mapped[bool] = mapped_column(default=False)
    status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    trigger: Mapped[ReportTrigger | None] = mapped_column(
        _enum(ReportTrigger, "report_trigger"), nullable=True
    )
    """What led to the report (None for rows written before triggers were recorded)."""


class PendingReport(Base):
    """The outbox: an observation still to be sent. Deleted in the transaction that records its
    outcome, so a report in flight at a stop (or a crash) is sent at the next start."""

    __tablename__ = "pending_reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scan_id: Mapped[int] = mapped_column(ForeignKey("scans.id"), index=True)
    trigger: Mapped[ReportTrigger] = mapped_column(_enum(ReportTrigger, "report_trigger"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Cursor(Base):
    """Named cursors that must survive restarts (the index watcher's position per index)."""

    __tablename__ = "cursors"

    name: Mapped[str] = mapped_column(String(500), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
