"""benchmarks/RESULTS.md, where every benchmark records its figures in a section of its own."""
from __future__ import annotations

import re
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def record(section: str) -> None:
    """Write `section` (markdown whose first line is its "## <title>") into RESULTS.md in place of the section of
    that title, or at the end when there is none."""
    title = section.split("\n", 1)[0]
    body = section.rstrip("\n") + "\n"
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    pattern = re.compile(re.escape(title) + r"\n.*?(?=\n## |\Z)", re.S)
    text = pattern.sub(lambda _: body, text, count=1) if pattern.search(text) else text.rstrip("\n") + "\n\n" + body
    RESULTS.write_text(text, encoding="utf-8")
