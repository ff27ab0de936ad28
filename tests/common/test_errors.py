"""Every error class of the platform is a JoinedupError."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import joinedup
from joinedup.common.errors import JoinedupError, one_line


def _error_classes() -> list[type[BaseException]]:
    found = []
    for info in pkgutil.walk_packages(joinedup.__path__, "joinedup."):
        if ".migrations" in info.name or info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for _, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, BaseException) and value.__module__ == info.name:
                found.append(value)
    return found


def test_every_error_class_of_joinedup_is_a_joinedup_error() -> None:
    classes = _error_classes()
    assert len(classes) > 30  # the walk found the platform's errors
    strays = [f"{c.__module__}.{c.__name__}" for c in classes if not issubclass(c, JoinedupError)]
    assert strays == []


def test_one_line_strips_and_joins_lines() -> None:
    assert one_line("  a\n\n b  \n") == "a; b"
    assert one_line("single") == "single"
    assert JoinedupError("x:\n  y").one_line() == "x:; y"
