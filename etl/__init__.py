"""Extract, transform, load: input files, source databases and the demo generator into DuckDB."""
