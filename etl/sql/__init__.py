"""The loader's SQL, generated from the entity declarations: validation of staged rows, and the upsert."""
