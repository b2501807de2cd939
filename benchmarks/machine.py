"""The machine a benchmark ran on, as benchmarks/RESULTS.md records it."""
from __future__ import annotations

import os
import platform
from pathlib import Path


def describe(with_load: bool) -> str:
    """Return cores, memory and CPU model on one line, and with `with_load` the load average now (at the start)."""
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024 ** 3
    text = f"{os.cpu_count()} cores (nproc), {memory:.0f} GB RAM, {cpu}"
    return f"{text}, load average {os.getloadavg()[0]:.1f} at the start" if with_load else text
