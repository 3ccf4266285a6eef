"""Source adapters: one module per feed and format. See :mod:`flankwatch.sources.base` for the
contract and :mod:`flankwatch.sources.registry` for discovery."""
