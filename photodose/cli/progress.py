"""A Rich progress bar with an ETA, shaped as the transport progress callback."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from photodose.transport.progress_bar import ProgressCallback


@contextmanager
def photon_progress(label: str, total: int, enabled: bool = True) -> Iterator[ProgressCallback]:
    """Yield a callback(done, total) that drives a bar on stderr."""
    if not enabled:
        yield lambda done, total: None
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("photons"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
    )
    # on stderr: stdout keeps only the command's output (tables, file names)
    with Progress(*columns, console=Console(stderr=True), transient=False) as bar:
        task = bar.add_task(label, total=total)
        # the callback's total wins: a run over several wavelengths learns it as it goes
        yield lambda done, total: bar.update(task, completed=done, total=total)
