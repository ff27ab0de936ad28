"""A panel on the web tests' store: a chair (police), the social worker and the analyst as
members, a meeting today with an agenda item about Aisha; helpers to sign the chair in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from joinedup.access import directory
from joinedup.app import accounts
from joinedup.model.panel import AgendaItem
from joinedup.panel import meetings
from tests.access.conftest import PASSWORD
from tests.web.conftest import Web

PANEL = "Rotherfield MASE"
CHAIR = "chair.one"


@dataclass
class PanelWorld:
    """The web fixture with a panel, its meeting and the agenda item's id."""

    web: Web
    meeting_id: str
    item_id: str

    def sign_in_chair(self) -> None:
        """Sign the chair in for the panel purpose."""
        web = self.web
        answer = web.client.post(
            "/sign-in",
            data={
                "username": CHAIR,
                "password": PASSWORD,
                "code": web.code(CHAIR),
                "csrf_token": web.csrf(),
            },
            follow_redirects=False,
        )
        assert answer.status_code == 303, answer.text
        chosen = web.client.post(
            "/purpose",
            data={"purpose": "panel", "csrf_token": web.csrf("/purpose")},
            follow_redirects=False,
        )
        assert chosen.status_code == 303, chosen.text


def build_panel(web: Web, held_on: date | None = None) -> PanelWorld:
    """Seat the chair, the social worker and the analyst on a panel; schedule a meeting on
    ``held_on`` (today) with one item about Aisha."""
    with web.store.door.session("admin", "administration") as s:
        directory.add_user(s, CHAIR, "Police", "panel_chair", password=PASSWORD)
        directory.add_panel(s, PANEL, "Police")
        for member in (CHAIR, "sw.one", "an.one"):
            directory.add_panel_member(s, PANEL, member)
    web.secrets[CHAIR] = accounts.enrol_second_factor(web.rt, "admin", CHAIR).secret
    with web.store.door.session(CHAIR, "panel") as s:
        meeting = meetings.schedule(s, PANEL, held_on or date.today())
        item = meetings.add_item(
            s,
            meeting.id,
            "Aisha: Category 2 (opportunistic abuse); open flags from police and health",
            subject_type="child",
            subject_id=web.persons["aisha"],
        ).saved
        briefing = {"name": "Aisha Khan", "category": "category_2", "agencies": ["police"]}
        s.update(AgendaItem, item.id, briefing=briefing)
    return PanelWorld(web, meeting.id, item.id)
