"""The platform's exception types an interface may catch and show as one line.

Interfaces import exceptions from here or from the ``app`` module of the use case that
raises them (``joinedup.app.ingest.PlanError``), never from the packages below ``app``.
"""

from __future__ import annotations

from joinedup.access.keys import KeyMaterialError
from joinedup.access.passwords import WeakPasswordError
from joinedup.app.context import NoActor
from joinedup.model.vocab import VocabularyError
from joinedup.store.actor_session import Forbidden, NotFound
from joinedup.store.door import UnknownActor

__all__ = [
    "Forbidden",
    "KeyMaterialError",
    "NoActor",
    "NotFound",
    "UnknownActor",
    "VocabularyError",
    "WeakPasswordError",
]
