"""Readers of input data: files now (`files`), later source databases. Each yields staged canonical columns."""
