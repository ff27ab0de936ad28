"""``/healthz`` and ``/metrics``: answers for monitors, no personal data."""

from __future__ import annotations

import pytest

from joinedup.store.jobs import finish_run, start_run
from tests.web.conftest import Web


def test_healthz_answers_anyone(web: Web) -> None:
    answer = web.client.get("/healthz")
    assert answer.status_code == 200 and answer.json()["status"] == "ok"


def test_metrics_publish_job_outcomes_and_counts_without_personal_data(web: Web) -> None:
    run = start_run(web.store.engine, "drops")
    finish_run(web.store.engine, run, {"drops": []})
    failed = start_run(web.store.engine, "chase")
    finish_run(web.store.engine, failed, {}, "RuntimeError: boom")
    text = web.client.get("/metrics").text  # the test client counts as loopback
    assert 'joinedup_job_last_ok{job="drops"} 1.0' in text
    assert 'joinedup_job_last_ok{job="chase"} 0.0' in text
    assert "joinedup_quarantine_open_rows 0.0" in text
    assert "joinedup_audit_rows" in text
    assert "Khan" not in text and "Aisha" not in text


def test_metrics_need_the_token_when_one_is_set(web: Web, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JOINEDUP_METRICS_TOKEN", "s3cret-token")
    assert web.client.get("/metrics").status_code == 404
    wrong = {"Authorization": "Bearer nope"}
    assert web.client.get("/metrics", headers=wrong).status_code == 404
    right = {"Authorization": "Bearer s3cret-token"}
    assert web.client.get("/metrics", headers=right).status_code == 200
