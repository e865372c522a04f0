"""The label array of a `Volume`: from its file, its inline array, or its shapes.

Shapes paint every voxel whose centre they hold, in order, over `fill_label` (MCX's rule
for its JSON shapes: Fang, mcx_shapes.c; boxes, spheres and cylinders include their
surface, as MCX's do); slabs hold centres with start <= c < end, so adjacent slabs never
overlap.
"""

from __future__ import annotations

import numpy as np

from photodose.errors import BadInputError
from photodose.io.nifti import read_labels
from photodose.specs.volume import Box, Cylinder, Slab, Sphere, Volume

_AXES = {"x": 0, "y": 1, "z": 2}
_TIE = 1e-9


def rasterise(volume: Volume) -> np.ndarray:
    """uint8 labels indexed [x, y, z]."""
    inline = volume.inline_labels()
    if inline is not None:
        return inline
    if volume.labels_file is not None:
        labels = read_labels(volume.labels_file)
        if labels.shape != volume.dims:
            raise BadInputError(
                "labels_file", volume.labels_file, f"a {volume.dims} array",
                reason=f"the file holds {labels.shape}",
            )  # fmt: skip
        if labels.max(initial=0) > len(volume.media):
            raise BadInputError(
                "labels_file", volume.labels_file, f"labels 0..{len(volume.media)}",
                reason=f"the file holds label {int(labels.max())}",
            )  # fmt: skip
        return labels.astype(np.uint8)
    labels = np.full(volume.dims, volume.fill_label, dtype=np.uint8)
    # in voxel units, where centres sit at i + 1/2 exactly; a point within _TIE of a
    # shape's surface counts as inside (MCX's tests are inclusive, in exact arithmetic
    # for its integer and half-integer shapes, which mm lengths only round to)
    h = volume.voxel_mm
    centres = [np.arange(n) + 0.5 for n in volume.dims]
    cx = centres[0][:, None, None]
    cy = centres[1][None, :, None]
    cz = centres[2][None, None, :]
    for shape in volume.shapes:
        if isinstance(shape, Slab):
            c = centres[_AXES[shape.axis]]
            hit1 = (c >= shape.start_mm / h) & (c < shape.end_mm / h)
            index: list[slice | None] = [None, None, None]
            index[_AXES[shape.axis]] = slice(None)
            mask = np.broadcast_to(hit1[tuple(index)], volume.dims)
        elif isinstance(shape, Box):
            low = np.asarray(shape.min_mm) / h - _TIE
            high = np.asarray(shape.max_mm) / h + _TIE
            mask = ((cx >= low[0]) & (cx <= high[0]) & (cy >= low[1]) & (cy <= high[1])
                    & (cz >= low[2]) & (cz <= high[2]))  # fmt: skip
        elif isinstance(shape, Sphere):
            ox, oy, oz = np.asarray(shape.center_mm) / h
            radius = shape.radius_mm / h
            mask = (cx - ox) ** 2 + (cy - oy) ** 2 + (cz - oz) ** 2 <= radius**2 * (1 + _TIE)
        elif isinstance(shape, Cylinder):
            start = np.asarray(shape.start_mm) / h
            axis = np.asarray(shape.end_mm) / h - start
            length = float(np.linalg.norm(axis))
            axis = axis / length
            dx, dy, dz = cx - start[0], cy - start[1], cz - start[2]
            along = axis[0] * dx + axis[1] * dy + axis[2] * dz
            # the perpendicular offset itself, not |d|^2 - along^2 (no cancellation)
            px, py, pz = dx - along * axis[0], dy - along * axis[1], dz - along * axis[2]
            radius = shape.radius_mm / h
            mask = (along >= -_TIE) & (along <= length + _TIE) & (
                px * px + py * py + pz * pz <= radius**2 * (1 + _TIE))
        else:  # pragma: no cover - the Shape union is closed
            raise TypeError(shape)
        labels[np.broadcast_to(mask, volume.dims)] = shape.label
    return labels
