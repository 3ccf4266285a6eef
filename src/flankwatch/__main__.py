"""``python -m flankwatch`` runs the command line."""

from flankwatch.cli.app import main

main()
