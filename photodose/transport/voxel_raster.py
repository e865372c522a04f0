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
    # for its integer and half-integer shapes, which mm lengths only round to). Each
    # shape is tested only over the voxels of its bounding box (a vessel 40 voxels
    # across in a 200^3 grid: 1/25 of it), with the same expressions on the same
    # centres, so the labels are those of testing every voxel.
    h = volume.voxel_mm
    centres = [np.arange(n) + 0.5 for n in volume.dims]
    for shape in volume.shapes:
        if isinstance(shape, Slab):
            axis = _AXES[shape.axis]
            c = centres[axis]
            hit = np.flatnonzero((c >= shape.start_mm / h) & (c < shape.end_mm / h))
            if hit.size:
                index = [slice(None)] * 3
                index[axis] = slice(hit[0], hit[-1] + 1)
                labels[tuple(index)] = shape.label
            continue
        if isinstance(shape, Box):
            low = np.asarray(shape.min_mm) / h - _TIE
            high = np.asarray(shape.max_mm) / h + _TIE
            # the box's test is one per axis
            box = _ranges([(c >= low[a]) & (c <= high[a]) for a, c in enumerate(centres)])
            if box is not None:
                labels[box] = shape.label
            continue
        if isinstance(shape, Sphere):
            centre = np.asarray(shape.center_mm) / h
            limit = (shape.radius_mm / h) ** 2 * (1 + _TIE)
            # a voxel inside has each axis's term alone within the limit
            box = _ranges([(c - centre[a]) ** 2 <= limit for a, c in enumerate(centres)])
            if box is None:
                continue
            cx, cy, cz = _grid(centres, box)
            ox, oy, oz = centre
            mask = (cx - ox) ** 2 + (cy - oy) ** 2 + (cz - oz) ** 2 <= limit
        elif isinstance(shape, Cylinder):
            start = np.asarray(shape.start_mm) / h
            end = np.asarray(shape.end_mm) / h
            radius = shape.radius_mm / h
            # inside lies within the axis segment's box widened by the radius (and a
            # voxel, far more than the tolerance)
            low = np.minimum(start, end) - radius - 1.0
            high = np.maximum(start, end) + radius + 1.0
            box = _ranges([(c >= low[a]) & (c <= high[a]) for a, c in enumerate(centres)])
            if box is None:
                continue
            cx, cy, cz = _grid(centres, box)
            direction = end - start
            length = float(np.linalg.norm(direction))
            direction = direction / length
            dx, dy, dz = cx - start[0], cy - start[1], cz - start[2]
            along = direction[0] * dx + direction[1] * dy + direction[2] * dz
            # the perpendicular offset itself, not |d|^2 - along^2 (no cancellation)
            px = dx - along * direction[0]
            py = dy - along * direction[1]
            pz = dz - along * direction[2]
            mask = (along >= -_TIE) & (along <= length + _TIE) & (
                px * px + py * py + pz * pz <= radius**2 * (1 + _TIE))
        else:  # pragma: no cover - the Shape union is closed
            raise TypeError(shape)
        region = labels[box]
        region[np.broadcast_to(mask, region.shape)] = shape.label
    return labels


def _ranges(hits: list[np.ndarray]) -> tuple[slice, slice, slice] | None:
    """The index box spanning the hits of each axis (None when an axis has none)."""
    box = []
    for hit in hits:
        where = np.flatnonzero(hit)
        if where.size == 0:
            return None
        box.append(slice(int(where[0]), int(where[-1]) + 1))
    return box[0], box[1], box[2]


def _grid(
    centres: list[np.ndarray], box: tuple[slice, slice, slice]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The voxel centres of `box`, as arrays broadcasting over x, y, z."""
    return (centres[0][box[0]][:, None, None], centres[1][box[1]][None, :, None],
            centres[2][box[2]][None, None, :])  # fmt: skip
