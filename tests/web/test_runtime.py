"""Every use case of a request uses the app's one runtime (one engine and pool), never one
built from the environment per call (which on PostgreSQL ran out of connections under load)."""

from __future__ import annotations

import pytest

from joinedup.app import context
from tests.web.conftest import Web


def test_use_cases_of_a_request_share_the_apps_runtime(
    web: Web, monkeypatch: pytest.MonkeyPatch
) -> None:
    web.sign_in("an.one")

    def no_environment() -> None:
        raise AssertionError("a use case built a runtime from the environment")

    monkeypatch.setattr(context, "from_environment", no_environment)
    home = web.client.get("/")  # flags, routed intelligence and actions: three use cases
    assert home.status_code == 200 and "My work" in home.text
    auth = {"Authorization": f"Bearer {web.token('sw.one')}"}
    assert web.client.get("/api/v1/flags", headers=auth).status_code == 200


def test_using_sets_the_runtime_only_inside_the_block(web: Web) -> None:
    with context.using(web.rt):
        assert context.runtime() is web.rt
        assert context.runtime(create_keys=True) is not web.rt
    assert context.runtime() is not web.rt
