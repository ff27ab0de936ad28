"""One small interface over Splink's database back ends (DuckDB default, Spark optional).

The Spark path is imported only when asked for, so ``pyspark`` stays an optional extra.
"""

from __future__ import annotations

import abc
import os
import tempfile
from typing import TYPE_CHECKING, Any, Literal

import pyarrow as pa

from joinedup.common.errors import InputError

if TYPE_CHECKING:
    from splink.internals.database_api import DatabaseAPI
    from splink.internals.splink_dataframe import SplinkDataFrame

BackendName = Literal["duckdb", "spark"]


class LinkageBackend(abc.ABC):
    """Creates a Splink database API and moves tables in and out of it."""

    name: BackendName

    @abc.abstractmethod
    def db_api(self) -> DatabaseAPI[Any]:
        """A fresh Splink database API for one linkage job."""

    def register(self, db_api: DatabaseAPI[Any], table: pa.Table, name: str) -> SplinkDataFrame:
        """Register a pyarrow table as a Splink input table called ``name``."""
        return db_api.register(table, dataset_display_name=name, table_name=name)

    def to_arrow(self, frame: SplinkDataFrame) -> pa.Table:
        """A Splink result table as pyarrow."""
        untyped: Any = frame
        return untyped.as_pyarrow_table()


class DuckDBBackend(LinkageBackend):
    """DuckDB in memory (the default), on every core unless ``threads`` says otherwise.

    ``memory_limit`` (e.g. ``"4GB"``) caps DuckDB's own memory; beyond it DuckDB spills
    to a temporary directory.
    """

    name: BackendName = "duckdb"

    def __init__(self, threads: int | None = None, memory_limit: str | None = None) -> None:
        self.threads = threads or os.cpu_count() or 1
        self.memory_limit = memory_limit

    def db_api(self) -> DatabaseAPI[Any]:
        """A DuckDB API on a new in-memory connection."""
        import duckdb
        from splink.backends.duckdb import DuckDBAPI

        con = duckdb.connect(":memory:")
        if self.threads:
            con.execute(f"SET threads = {int(self.threads)}")
        if self.memory_limit:
            con.execute(f"SET memory_limit = '{self.memory_limit}'")
        return DuckDBAPI(con)


class SparkBackend(LinkageBackend):
    """Apache Spark via pyspark (local mode unless a session is supplied)."""

    name: BackendName = "spark"

    def __init__(self, spark_session: Any = None, partitions: int = 4) -> None:
        self._spark = spark_session
        self.partitions = partitions

    def session(self) -> Any:
        """The Spark session (a local one is created on first use)."""
        if self._spark is None:
            from pyspark.sql import SparkSession
            from splink.backends.spark import similarity_jar_location

            os.environ.setdefault("PYSPARK_PYTHON", "python")
            self._spark = (
                SparkSession.builder.master(f"local[{os.cpu_count() or 2}]")
                .appName("joinedup-linkage")
                .config("spark.jars", similarity_jar_location())
                .config("spark.sql.shuffle.partitions", str(self.partitions))
                .config("spark.default.parallelism", str(self.partitions))
                .config("spark.ui.enabled", "false")
                .config("spark.sql.session.timeZone", "UTC")
                .getOrCreate()
            )
            self._spark.sparkContext.setLogLevel("ERROR")
            checkpoints = tempfile.mkdtemp(prefix="joinedup-spark-")
            self._spark.sparkContext.setCheckpointDir(checkpoints)
        return self._spark

    def db_api(self) -> DatabaseAPI[Any]:
        """A Splink Spark API on the session."""
        from splink.backends.spark import SparkAPI

        spark_api: Any = SparkAPI
        api: DatabaseAPI[Any] = spark_api(
            spark_session=self.session(),
            num_partitions_on_repartition=self.partitions,
            break_lineage_method="persist",
        )
        return api

    def register(self, db_api: DatabaseAPI[Any], table: pa.Table, name: str) -> SplinkDataFrame:
        """Register via a Spark DataFrame built from the pyarrow table.

        Floating-point columns (term frequencies) become doubles, integers longs and
        everything else strings. A temporary view left under ``name`` by an earlier linker
        in the same session is replaced.
        """
        from pyspark.sql.types import (
            DataType,
            DoubleType,
            LongType,
            StringType,
            StructField,
            StructType,
        )

        def spark_type(arrow_type: pa.DataType) -> DataType:
            if pa.types.is_floating(arrow_type):
                return DoubleType()
            if pa.types.is_integer(arrow_type):
                return LongType()
            return StringType()

        # temporary views outlive a Splink API: training and scoring in one process (the
        # CLI) would otherwise find ``records_0`` already registered
        self.session().catalog.dropTempView(name)
        schema = StructType([StructField(f.name, spark_type(f.type), True) for f in table.schema])
        rows = [tuple(r.values()) for r in table.to_pylist()]
        frame = self.session().createDataFrame(rows, schema=schema)
        return db_api.register(frame, dataset_display_name=name, table_name=name)


def get_backend(name: BackendName | str = "duckdb", **kwargs: Any) -> LinkageBackend:
    """The back end called ``name`` (``duckdb`` or ``spark``)."""
    if name == "duckdb":
        return DuckDBBackend(**kwargs)
    if name == "spark":
        return SparkBackend(**kwargs)
    raise InputError(f"unknown linkage backend {name!r} (use 'duckdb' or 'spark')")
