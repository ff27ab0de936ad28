"""Safeguarding engine: the language checker (the risk tool and rules are built later)."""
