"""The registry of kinds: domain type <-> table, access category and scope columns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from joinedup.model import (
    access,
    erasure,
    linkage,
    organisation,
    panel,
    pole,
    records,
    safeguarding,
    sharing,
)
from joinedup.model.classification import encrypted_fields
from joinedup.model.policy import Category
from joinedup.store.tables import admin as t_admin
from joinedup.store.tables import cases as t_cases
from joinedup.store.tables import linkage as t_linkage
from joinedup.store.tables import panel as t_panel
from joinedup.store.tables import pole as t_pole
from joinedup.store.tables import records as t_records
from joinedup.store.tables.base import Base


@dataclass(frozen=True)
class Kind:
    """How one domain type is stored and reached."""

    name: str
    model: type[BaseModel]
    table: type[Base]
    category: Category
    owner_column: str | None = "agency_id"
    case_column: str | None = None
    panel_column: str | None = None
    creator_column: str | None = "created_by"
    search_columns: tuple[str, ...] = ()
    secret_columns: tuple[str, ...] = ()
    # text a person types: a column, or a path inside a JSON column ("evidence.history[].note");
    # a person's session may write it only after it passed ``ActorSession.entered``
    typed_text: tuple[str, ...] = ()
    # columns (and JSON paths) the session encrypts on write and decrypts on read: those the
    # field classification (joinedup.model.classification) says are stored only encrypted
    encrypted_columns: tuple[str, ...] = ()
    # the resolved person a row is about: a column holding the person's id, or ``"record"``
    # for a source record (its person through its link); what an information-sharing
    # agreement's ``open_cse_cases`` extent is decided on (store/scope.py)
    subject: str | None = None

    def __post_init__(self) -> None:
        if not self.encrypted_columns:
            derived = encrypted_fields(self.table.__tablename__)
            object.__setattr__(self, "encrypted_columns", derived)

    def column(self, name: str | None) -> Any:
        """The table column called ``name`` (None when the kind has no such column)."""
        return None if name is None else getattr(self.table, name)


def _case(name: str, model: type[BaseModel], table: type[Base], **kw: Any) -> Kind:
    return Kind(name, model, table, "case", case_column="case_id", **kw)


def _panel(name: str, model: type[BaseModel], table: type[Base], **kw: Any) -> Kind:
    return Kind(name, model, table, "panel", case_column="case_id", panel_column="panel_id", **kw)


_ALL = (
    Kind(
        "agency",
        organisation.Agency,
        t_admin.AgencyRow,
        "directory",
        owner_column="id",
        creator_column=None,
        search_columns=("name",),
    ),
    Kind("source", organisation.Source, t_admin.SourceRow, "directory", search_columns=("name",)),
    Kind(
        "user",
        access.User,
        t_admin.UserRow,
        "admin",
        creator_column=None,
        search_columns=("username", "display_name"),
        secret_columns=("password_hash",),
    ),
    Kind("grant", access.Grant, t_admin.GrantRow, "admin", creator_column="granted_by"),
    Kind(
        "sharing_agreement",
        sharing.SharingAgreement,
        t_admin.AgreementRow,
        "admin",
        search_columns=("name",),
    ),
    Kind(
        "agreement_party",
        sharing.AgreementParty,
        t_admin.AgreementPartyRow,
        "admin",
        creator_column=None,
    ),
    Kind(
        "agreement_member",
        sharing.AgreementMember,
        t_admin.AgreementMemberRow,
        "admin",
        owner_column=None,
        creator_column="added_by",
    ),
    Kind("panel", panel.Panel, t_admin.PanelRow, "admin", search_columns=("name",)),
    Kind(
        "erasure_request",
        erasure.ErasureRequest,
        t_admin.ErasureRequestRow,
        "admin",
        subject="person_id",
    ),
    Kind(
        "panel_member",
        panel.PanelMember,
        t_admin.PanelMemberRow,
        "admin",
        owner_column=None,
        creator_column=None,
    ),
    Kind("batch", organisation.Batch, t_records.BatchRow, "case", search_columns=("file_name",)),
    Kind(
        "source_record",
        records.SourceRecord,
        t_records.SourceRecordRow,
        "case",
        search_columns=("agency_key",),
        subject="record",
    ),
    Kind(
        "quarantine",
        records.QuarantinedRow,
        t_records.QuarantineRow,
        "case",
        search_columns=("file_name", "reason"),
        typed_text=("resolution_note",),
    ),
    Kind("linkage_run", linkage.LinkageRun, t_linkage.LinkageRunRow, "case"),
    Kind("person_link", linkage.PersonLink, t_linkage.PersonLinkRow, "case", subject="person_id"),
    Kind("linkage_key", linkage.LinkageKey, t_linkage.LinkageKeyRow, "case"),
    Kind("linkage_statistics", linkage.LinkageStatistics, t_linkage.LinkageStatisticsRow, "case"),
    Kind(
        "match_review",
        linkage.MatchReview,
        t_linkage.MatchReviewRow,
        "case",
        typed_text=("reason",),
    ),
    Kind("person", pole.Person, t_pole.PersonRow, "case", search_columns=("forename", "surname")),
    Kind("object", pole.PoleObject, t_pole.ObjectRow, "case", search_columns=("key",)),
    Kind(
        "location",
        pole.Location,
        t_pole.LocationRow,
        "case",
        search_columns=("address", "postcode"),
    ),
    Kind("event", pole.Event, t_pole.EventRow, "case"),
    Kind("event_participant", pole.EventParticipant, t_pole.EventParticipantRow, "case"),
    Kind("link", pole.Link, t_pole.LinkRow, "case"),
    _case("case", safeguarding.SafeguardingCase, t_cases.CaseRow, subject="child_person_id"),
    _case(
        "person_category",
        safeguarding.PersonCategory,
        t_cases.PersonCategoryRow,
        subject="person_id",
    ),
    _case(
        "risk_assessment",
        safeguarding.RiskAssessment,
        t_cases.RiskAssessmentRow,
        subject="child_person_id",
    ),
    _case(
        "flag",
        safeguarding.Flag,
        t_cases.FlagRow,
        search_columns=("rule_id",),
        subject="subject_id",
        typed_text=("resolution", "evidence.history[].note"),
    ),
    _case(
        "intelligence_submission",
        safeguarding.IntelligenceSubmission,
        t_cases.SubmissionRow,
        typed_text=("summary",),
    ),
    Kind(  # its own category: every role of the recipient agency must see and acknowledge it
        "intelligence_route",
        safeguarding.IntelligenceRoute,
        t_cases.RouteRow,
        "intelligence",
        case_column="case_id",
        creator_column="submitted_by",
        typed_text=("note",),
    ),
    _panel("panel_meeting", panel.PanelMeeting, t_panel.MeetingRow),
    _panel(
        "agenda_item",
        panel.AgendaItem,
        t_panel.AgendaItemRow,
        typed_text=("title",),
    ),
    _panel("decision", panel.Decision, t_panel.DecisionRow, typed_text=("text",)),
    _panel(
        "action",
        panel.Action,
        t_panel.ActionRow,
        typed_text=("description", "completion_note"),
    ),
)

KINDS: dict[type[BaseModel], Kind] = {k.model: k for k in _ALL}
KINDS_BY_NAME: dict[str, Kind] = {k.name: k for k in _ALL}


def kind_of(model: type[BaseModel]) -> Kind:
    """The kind of a domain type; raises for types the store does not hold."""
    try:
        return KINDS[model]
    except KeyError as exc:
        raise TypeError(f"{model.__name__} is not stored through the door") from exc
