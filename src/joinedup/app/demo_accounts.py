"""The demonstration's accounts and agencies, declared in ``data/demo_accounts.yml``.

Kept as data so that no role name is written in Python outside the policy loader; every role
is checked against the access policy when the file is loaded.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from joinedup.access import directory
from joinedup.app import accounts
from joinedup.app.runtime import Runtime
from joinedup.common.files import write_private
from joinedup.model.organisation import Agency
from joinedup.model.policy import policy
from joinedup.model.vocab import VocabularyError
from joinedup.store.actor_session import ActorSession, NotFound

Step = Literal["borough", "panel"]


class DemoAccount(BaseModel):
    """One demonstration account: who, in which agency (a key or a kind), with which role."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    username: str = Field(min_length=1)
    agency: str = Field(min_length=1)
    role: str
    step: Step
    name: str | None = None  # shown in the header (default "Demo <role>")

    @field_validator("role")
    @classmethod
    def _known_role(cls, value: str) -> str:
        policy().role(value)
        return value


class DemoAccounts(BaseModel):
    """The demonstration's agencies (key -> name) and accounts."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int = Field(ge=1)
    agencies: dict[str, str]
    accounts: tuple[DemoAccount, ...]

    def for_step(self, step: Step) -> tuple[DemoAccount, ...]:
        """The accounts created by one step of the demo."""
        return tuple(a for a in self.accounts if a.step == step)

    def agency_name(self, account: DemoAccount, by_kind: Mapping[str, str] | None = None) -> str:
        """The name of ``account``'s agency: a declared agency, else the one of that kind."""
        if account.agency in self.agencies:
            return self.agencies[account.agency]
        if by_kind and account.agency in by_kind:
            return by_kind[account.agency]
        raise VocabularyError(f"demo account {account.username}: no agency {account.agency!r}")


@cache
def demo_accounts() -> DemoAccounts:
    """The shipped demonstration accounts (cached)."""
    path = resources.files("joinedup.app").joinpath("data", "demo_accounts.yml")
    try:
        return DemoAccounts.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (yaml.YAMLError, ValidationError, VocabularyError) as exc:
        raise VocabularyError(f"app/data/demo_accounts.yml: invalid demo accounts: {exc}") from exc


def add_demo_users(s: ActorSession, step: Step, by_kind: Mapping[str, str] | None = None) -> None:
    """Create the demo accounts of ``step`` that do not exist yet (``data/demo_accounts.yml``);
    ``by_kind`` names the agency of each kind the borough registered."""
    accounts = demo_accounts()
    for account in accounts.for_step(step):
        try:
            directory.user_by_name(s, account.username)
        except NotFound:
            agency = accounts.agency_name(account, by_kind)
            role = account.role
            directory.add_user(
                s, account.username, agency, role, display_name=account.name or f"Demo {role}"
            )


CSV_HEADER = ("username", "role", "agency", "password", "totp_secret")
CSV_NAME = "demo-accounts.csv"


@dataclass(frozen=True)
class DemoCredential:
    """How a person signs in as one demonstration account (printed, and kept in the
    owner-only ``demo-accounts.csv``)."""

    username: str
    role: str
    agency: str
    password: str
    totp_secret: str


def issue_credentials(rt: Runtime, admin: str, usernames: Sequence[str]) -> list[DemoCredential]:
    """As ``admin``, give each demonstration account a fresh random password and a second
    factor (the documented known secret in dev mode, else a fresh one), ending any sessions
    and tokens they had: each run of the demo re-issues them."""
    with rt.door.session(admin, "administration") as s:
        agencies = {a.id: a.name for a in s.list(Agency)}
        users = [directory.user_by_name(s, name) for name in usernames]
    issued = []
    for user in users:
        password = accounts.reset_password(rt, admin, user.username).password
        accounts.reset_second_factor(rt, admin, user.username)
        known = rt.settings.dev_mode
        enrolled = accounts.enrol_second_factor(rt, admin, user.username, known_secret=known)
        agency = agencies.get(user.agency_id, "")
        issued.append(DemoCredential(user.username, user.role, agency, password, enrolled.secret))
    return issued


def write_credentials(path: Path, issued: Sequence[DemoCredential]) -> Path:
    """Write the demonstration's credentials as CSV (``CSV_HEADER``), mode 0600."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for c in issued:
        writer.writerow([c.username, c.role, c.agency, c.password, c.totp_secret])
    return write_private(path, out.getvalue())
