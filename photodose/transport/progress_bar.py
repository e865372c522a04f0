"""A progress bar for runs started from Python: `simulate(..., progress=True)`.

tqdm's `auto` front end draws a text bar in a terminal and a widget in Jupyter (a text
bar there too when ipywidgets is missing). Imported only when a bar is asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

ProgressCallback = Callable[[int, int], None]
"""Called as progress(photons_done, photons_total) after each batch."""


@contextmanager
def photon_bar(label: str, total: int) -> Iterator[ProgressCallback]:
    """Yield a callback(done, total) that moves a bar of `total` photons, with an ETA."""
    from tqdm.auto import tqdm

    with tqdm(total=total, desc=label, unit=" photons", unit_scale=True, smoothing=0.1) as bar:

        def tick(done: int, total_now: int) -> None:
            if total_now != bar.total:  # a run that adds photons until a target revises it
                bar.total = total_now
            bar.update(done - bar.n)

        yield tick
