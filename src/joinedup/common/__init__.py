"""What every package shares: value normalisers (``values``), the one YAML document loader
(``documents``), the platform's error types (``errors``), safe writing of files the platform
produces (``files``, ``spreadsheet``).

The bottom layer: it imports nothing else of joinedup, so every package may use it
(``lint-imports`` enforces this; see docs/architecture.md).
"""
