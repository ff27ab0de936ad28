"""Command line interface (thin: parse arguments, call the core, print)."""
