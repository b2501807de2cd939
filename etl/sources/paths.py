"""File names as DuckDB's readers must be given them to read exactly that file."""
from __future__ import annotations

import re
from pathlib import Path


def exact(path: Path | str) -> str:
    """Return `path` as DuckDB's readers take it to mean this one file: they read a name as a glob pattern, so
    `ho_so_[ab].jsonl` would read `ho_so_a.jsonl`; each `*`, `?` and `[` becomes a class of itself (`[[]`)."""
    return re.sub(r"([*?\[])", r"[\1]", str(path))
