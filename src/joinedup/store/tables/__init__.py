"""SQLAlchemy tables. Importing this package registers every table on ``Base.metadata``."""

from joinedup.store.tables import (
    admin,
    audit,
    cases,
    identity,
    jobs,
    linkage,
    notices,
    panel,
    partitions,
    places,
    pole,
    records,
)
from joinedup.store.tables.base import Base

__all__ = [
    "Base",
    "admin",
    "audit",
    "cases",
    "identity",
    "jobs",
    "linkage",
    "notices",
    "panel",
    "partitions",
    "places",
    "pole",
    "records",
]
