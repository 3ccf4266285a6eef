"""Pure computations on frames read from the store: series, and (as they land) surges,
forecasts, tracks, screening. Nothing here touches the store or the sources."""
