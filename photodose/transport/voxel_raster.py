"""The label array of a `Volume`: from its file, its inline array, or its shapes.

Shapes paint every voxel whose centre they hold, in order, over `fill_label` (MCX's rule
for its JSON shapes: Fang, mcx_shapes.c); slabs hold centres with start <= c < end, so
adjacent slabs never overlap.
"""

from __future__ import annotations

import numpy as np

from photodose.errors import BadInputError
from photodose.io.nifti import read_labels
from photodose.specs.volume import Box, Cylinder, Slab, Sphere, Volume

_AXES = {"x": 0, "y": 1, "z": 2}


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
    h = volume.voxel_mm
    centres = [(np.arange(n) + 0.5) * h for n in volume.dims]
    cx = centres[0][:, None, None]
    cy = centres[1][None, :, None]
    cz = centres[2][None, None, :]
    for shape in volume.shapes:
        if isinstance(shape, Slab):
            c = centres[_AXES[shape.axis]]
            hit1 = (c >= shape.start_mm) & (c < shape.end_mm)
            index = [None, None, None]
            index[_AXES[shape.axis]] = slice(None)
            mask = np.broadcast_to(hit1[tuple(index)], volume.dims)
        elif isinstance(shape, Box):
            (x0, y0, z0), (x1, y1, z1) = shape.min_mm, shape.max_mm
            mask = ((cx >= x0) & (cx <= x1)) & ((cy >= y0) & (cy <= y1)) & ((cz >= z0) & (cz <= z1))
        elif isinstance(shape, Sphere):
            ox, oy, oz = shape.center_mm
            mask = (cx - ox) ** 2 + (cy - oy) ** 2 + (cz - oz) ** 2 <= shape.radius_mm**2
        elif isinstance(shape, Cylinder):
            start = np.asarray(shape.start_mm)
            axis = np.asarray(shape.end_mm) - start
            length = float(np.linalg.norm(axis))
            axis = axis / length
            dx, dy, dz = cx - start[0], cy - start[1], cz - start[2]
            along = axis[0] * dx + axis[1] * dy + axis[2] * dz
            across2 = dx * dx + dy * dy + dz * dz - along * along
            mask = (along >= 0.0) & (along <= length) & (across2 <= shape.radius_mm**2)
        else:  # pragma: no cover - the Shape union is closed
            raise TypeError(shape)
        labels[np.broadcast_to(mask, volume.dims)] = shape.label
    return labels
