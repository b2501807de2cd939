"""The README's reference tables, generated from the declarations: `python -m etl.reference` rewrites them.

Each table sits in README.md between `<!-- NAME -->` and `<!-- /NAME -->`; a test fails when
the README falls behind the declarations.
"""
from __future__ import annotations

import re
from pathlib import Path

import settings
from model.entities import ENTITIES, PERSONAL_COLUMNS

README = settings.ROOT / "README.md"


def columns_markdown() -> str:
    """Return one table per input entity: column, type, whether required, notes."""
    parts = []
    for e in ENTITIES:
        parts.append(f"#### `{e.name}`: {e.grain}; key {', '.join(f'`{k}`' for k in e.key)}\n")
        parts.append("| column | type | required | notes |\n|---|---|---|---|")
        for c in e.columns:
            kind = f"{c.type}: {', '.join(c.values)}" if c.values else c.type
            notes = c.help.replace("|", "\\|")
            parts.append(f"| `{c.name}` | {kind} | {'yes' if c.required else ''} | {notes} |")
        parts.append("")
    parts.append("Columns dropped as personal data whatever the file: " + ", ".join(f"`{c}`" for c in sorted(PERSONAL_COLUMNS))
                 + ", and any column whose name mentions an applicant, citizen, phone, e-mail, address, ID card or birth date,"
                 " also with its words run together or in Vietnamese (`SoDienThoai`, `Họ và tên`, `TenNguoiNop`),"
                 " or is an abbreviation such as `SDT`.")
    return "\n".join(parts)


def settings_markdown() -> str:
    """Return the table of settings: name, environment variable, default, help."""
    rows = ["| setting | environment variable | default | what it is |", "|---|---|---|---|"]
    for s in settings.SETTINGS:
        default = Path(s.default).relative_to(settings.ROOT) if s.default.startswith(str(settings.ROOT)) else s.default
        rows.append(f"| `{s.name}` | `{s.env}` | `{default}` | {s.help} |" if str(default) else
                    f"| `{s.name}` | `{s.env}` | | {s.help} |")
    return "\n".join(rows)


SECTIONS = {"columns": columns_markdown, "settings": settings_markdown}


def render(text: str) -> str:
    """Return README text with every generated section replaced by its current content."""
    for name, build in SECTIONS.items():
        pattern = re.compile(rf"(<!-- {name} -->\n).*?(<!-- /{name} -->)", re.S)
        text = pattern.sub(lambda m: m.group(1) + build() + "\n" + m.group(2), text)
    return text


if __name__ == "__main__":
    README.write_text(render(README.read_text(encoding="utf-8")), encoding="utf-8")
