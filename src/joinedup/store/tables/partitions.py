"""The assessment's partition index: which partition each record and entity belongs to.

Derived data, rebuilt by a full assessment: record ids in clear (opaque ids), every other
node hashed (no name, key, plate or address), so the index holds no personal data.
"""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from joinedup.store.tables.base import Base


class PartitionNodeRow(Base):
    """One node (a record id, or a hashed entity id) and its partition (named by a record id)."""

    __tablename__ = "partition_node"
    node: Mapped[str] = mapped_column(String(80), primary_key=True)
    partition: Mapped[str] = mapped_column(String(80), index=True)
