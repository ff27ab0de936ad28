"""``python -m joinedup`` runs the command line."""

from joinedup.cli.main import main

main()
