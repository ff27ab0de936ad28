"""DuckDB and Spark give the same clusters on a small dataset."""

from __future__ import annotations

import importlib.util
from typing import Any

import pytest

from joinedup.linkage.backend import get_backend
from joinedup.linkage.link import LinkConfig, link_records

HAS_PYSPARK = importlib.util.find_spec("pyspark") is not None


def test_unknown_backend_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown linkage backend"):
        get_backend("sqlite")


@pytest.mark.slow
@pytest.mark.skipif(not HAS_PYSPARK, reason="pyspark is not installed (optional 'spark' extra)")
def test_duckdb_and_spark_agree(
    model: dict[str, Any], synthetic: tuple[list[dict[str, Any]], Any, Any]
) -> None:
    records = synthetic[0][:200]
    config = LinkConfig(threshold=0.9, review_lower=0.5)
    duck = link_records(records, model=model, config=config)
    spark = link_records(records, model=model, config=config, backend=get_backend("spark"))
    assert spark.clustering.clusters == duck.clustering.clusters
    assert len(spark.pairs) == len(duck.pairs)
    duck_p = dict(
        zip(
            zip(
                duck.pairs["record_id_l"].to_pylist(),
                duck.pairs["record_id_r"].to_pylist(),
                strict=False,
            ),
            duck.pairs["match_probability"].to_pylist(),
            strict=False,
        )
    )
    spark_p = dict(
        zip(
            zip(
                spark.pairs["record_id_l"].to_pylist(),
                spark.pairs["record_id_r"].to_pylist(),
                strict=False,
            ),
            spark.pairs["match_probability"].to_pylist(),
            strict=False,
        )
    )
    assert spark_p.keys() == duck_p.keys()
    assert all(abs(spark_p[k] - duck_p[k]) < 1e-6 for k in duck_p)


@pytest.mark.slow
@pytest.mark.skipif(not HAS_PYSPARK, reason="pyspark is not installed (optional 'spark' extra)")
def test_spark_backend_registers_a_name_again_for_a_new_linker() -> None:
    # `joinedup link --backend spark` trains and then scores in one session: both linkers
    # register ``records_0`` (it once failed with "Table 'records_0' already exists")
    import pyarrow as pa

    backend = get_backend("spark")
    first = pa.table({"record_id": ["a", "b"]})
    second = pa.table({"record_id": ["c"]})
    backend.register(backend.db_api(), first, "records_0")
    frame = backend.register(backend.db_api(), second, "records_0")
    assert backend.to_arrow(frame)["record_id"].to_pylist() == ["c"]
