"""FlankWatch: early warning and situational awareness for NATO's southern flank.

The public surface is small on purpose::

    import flankwatch
    store = flankwatch.open_store("flankwatch.duckdb")
    store.events(bbox=(-20, 0, 45, 45), start="2020-01-01", kinds=["armed_clash"])
"""

from flankwatch.notebook import open_store

__all__ = ["__version__", "open_store"]
__version__ = "0.1.0"
