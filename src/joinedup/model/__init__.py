"""Domain types and vocabularies (pure: no I/O beyond reading the package's own data files)."""
