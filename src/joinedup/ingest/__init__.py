"""Ingest: every agency's export in, faithfully, nothing lost (validate, normalise, quarantine)."""
