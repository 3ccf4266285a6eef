"""The command-line interface (``flankwatch``)."""
