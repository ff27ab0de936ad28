"""What every package shares: value normalisers, agency formats, one YAML document loader,
safe writing of files the platform produces.

Sits below the feature packages (ingest, linkage, assemble, safeguarding, network, panel,
simulate) and above ``access``, ``store`` and ``model``; ``files`` (private files) imports
nothing of joinedup, so ``store`` and ``access`` use it too for checkpoints and keys.
"""
