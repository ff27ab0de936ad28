"""The web application: server-rendered pages (GOV.UK Frontend) and a JSON API under /api/v1.

A route parses, calls one use case of :mod:`joinedup.app`, renders. See docs/architecture.md.
"""

from joinedup.web.factory import create_app

__all__ = ["create_app"]
