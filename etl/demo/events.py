"""Processing records (dossier_events) from the timeline's slots, and what they say about each dossier at `as_of`."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from etl.demo.timeline import OPEN_STATUS, OUTCOMES, SLOTS, TERMINAL, Timeline


@dataclass
class State:
    """Per dossier at `as_of`: status, end of processing, and the last record's time."""

    status: np.ndarray
    finished_at: np.ndarray
    last_at: np.ndarray
    visible: np.ndarray  # n × slots: the records that exist by as_of


def state(timeline: Timeline, as_of: np.datetime64) -> State:
    """Return each dossier's status and end of processing as its records show them at `as_of`."""
    slots = timeline.slots
    visible = ~np.isnat(slots) & (slots <= as_of)
    n = len(slots)
    last = len(SLOTS) - 1 - np.argmax(visible[:, ::-1], axis=1)
    status = np.asarray(OPEN_STATUS + ("",), dtype=object)[last]
    done = visible[:, TERMINAL]
    status = np.where(done, np.asarray(OUTCOMES, dtype=object)[timeline.outcome], status)
    finished_at = np.where(done, slots[:, TERMINAL], np.datetime64("NaT"))
    last_at = slots[np.arange(n), last]
    return State(status, finished_at, last_at, visible)


def records(timeline: Timeline, st: State) -> dict[str, np.ndarray]:
    """Return the event rows: dossier row index, seq (1..n per dossier), event name, time."""
    visible = st.visible
    row, slot = np.nonzero(visible)  # row-major, so each dossier's records come in slot order
    seq = (np.cumsum(visible, axis=1)[row, slot]).astype(np.int64)
    names = np.asarray(SLOTS, dtype=object)[slot]
    terminal = slot == TERMINAL
    names[terminal] = np.asarray(OUTCOMES, dtype=object)[timeline.outcome[row[terminal]]]
    return {"row": row, "seq": seq, "event": names, "at": timeline.slots[row, slot]}
