"""The README documents every entity column and every setting, as the declarations say."""
from __future__ import annotations

from etl import reference


def test_readme_reference_tables_are_current():
    text = reference.README.read_text(encoding="utf-8")
    for name in reference.SECTIONS:
        assert f"<!-- {name} -->" in text and f"<!-- /{name} -->" in text, f"README lacks the {name} section"
    assert reference.render(text) == text, "README is behind the declarations: run `python -m etl.reference`"


def test_every_column_and_setting_is_named():
    text = reference.README.read_text(encoding="utf-8")
    from model.entities import ENTITIES
    from settings import SETTINGS
    for entity in ENTITIES:
        for column in entity.columns:
            assert f"`{column.name}`" in text
    for setting in SETTINGS:
        assert setting.env in text


def test_the_stored_outputs_are_named():
    text = reference.README.read_text(encoding="utf-8")
    from indicators import outputs
    for _, name in outputs.PARTS.values():
        assert f"`{name}`" in text, name
    for column in ("no_data", "ratio", "excluded_points", "rank_change"):
        assert f"`{column}`" in text, column
