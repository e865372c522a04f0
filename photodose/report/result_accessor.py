"""`result.photodose`: a transport result (xarray Dataset) that plots itself.

    result = pd.simulate(simulation)
    result.photodose.plot("result.png")            # fluence map, axis profile, Rd(r)
    value, se = result.photodose.fluence_at_depth(5.0, radius_mm=1.0)

Registered when this module is imported: by photodose's public face on first use of
`pd.simulate`, `pd.diffuse`, `pd.plot_result`, `pd.fluence_at_depth` (and the other
names that make results), or by `import photodose.report.result_accessor`. matplotlib
is imported only by `plot`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import xarray as xr

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from photodose.dose.depth_fluence import FluenceAtDepth


@xr.register_dataset_accessor("photodose")
class ResultAccessor:
    def __init__(self, dataset: xr.Dataset) -> None:
        self._dataset = dataset

    def plot(
        self,
        path: str | Path | None = None,
        wavelength_nm: float | None = None,
        title: str | None = None,
    ) -> Figure:
        """The fluence map, the axis depth profile and Rd(r); see plot_result."""
        from photodose.report.result_plot import plot_result

        return plot_result(self._dataset, path, wavelength_nm=wavelength_nm, title=title)

    def fluence_at_depth(self, z_mm: float, radius_mm: float | None = None) -> FluenceAtDepth:
        """(value, se) in W/mm^2 per W at depth z_mm, on the axis or over r < radius_mm."""
        from photodose.dose.depth_fluence import fluence_at_depth

        return fluence_at_depth(self._dataset, z_mm, radius_mm)
