"""Training runs again with the next u-sampling seed when EM drives a probability to zero
(Splink 5 refuses such a value as it is set); any other error is not retried."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pytest

from joinedup.linkage import train
from joinedup.linkage.train import TRAINING_ATTEMPTS, TrainingOptions, train_model

UNDERFLOW = "m_probability value 0.0 is below the minimum allowed value of 1e-300."
TABLE = pa.table({"unique_id": ["a", "b"]})


def _patch(monkeypatch: pytest.MonkeyPatch, failures: list[Exception]) -> list[int]:
    seeds: list[int] = []

    def once(
        tables: Any, combined: Any, options: Any, training: TrainingOptions, backend: Any
    ) -> dict[str, Any]:
        seeds.append(training.seed)
        if failures:
            raise failures.pop(0)
        return {"seed": training.seed}

    monkeypatch.setattr(train, "_train_once", once)
    monkeypatch.setattr(train, "options_for", lambda *a, **k: None)
    monkeypatch.setattr(train, "get_backend", lambda name: None)
    return seeds


def test_an_underflow_is_retried_with_the_next_seed(monkeypatch: pytest.MonkeyPatch) -> None:
    seeds = _patch(monkeypatch, [ValueError(UNDERFLOW)])
    model = train_model(TABLE, training=TrainingOptions(seed=7))
    assert seeds == [7, 8] and model == {"seed": 8}


def test_other_errors_and_repeated_underflows_are_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    seeds = _patch(monkeypatch, [ValueError("a column is missing")])
    with pytest.raises(ValueError, match="a column is missing"):
        train_model(TABLE)
    assert seeds == [42]
    seeds = _patch(monkeypatch, [ValueError(UNDERFLOW)] * TRAINING_ATTEMPTS)
    with pytest.raises(ValueError, match="below the minimum allowed"):
        train_model(TABLE)
    assert seeds == [42 + i for i in range(TRAINING_ATTEMPTS)]
