"""The schema's one home: the entity declarations (entities), the official units (units) and the statements that
create both in a database (schema). It imports nothing of the project, so db, etl, indicators and the dashboard all
build on it."""
