"""A 3-D labelled voxel volume: each label an optical medium with its name.

Coordinates in mm with the origin at a corner of the volume: voxel (i, j, k) spans
[i h, (i + 1) h) x [j h, (j + 1) h) x [k h, (k + 1) h) for voxel size h, and light
usually enters through the z = 0 face (depth z grows into the tissue, as in
`TissueStack`). Label 0 is outside: a photon entering a label-0 voxel, or leaving the
grid, has escaped into the ambient medium of index `n_outside` (MCX's medium 0).
Labels 1..len(media) are the media in order.

The labels come from one of:
- shapes painted in order over a volume filled with `fill_label` (a shape paints every
  voxel whose centre it holds, the rule MCX's JSON shapes use: Fang, mcx_shapes.c);
- an inline array (`Volume.from_array`, stored zlib-compressed in the spec so a saved
  spec re-runs without its files);
- a NIfTI-1 (.nii, .nii.gz), JNIfTI (.jnii) or NumPy (.npy) file of integer labels
  (`labels_file`, read by photodose.io.nifti when the volume is rasterised).

A spec describes the volume; `photodose.transport.voxel_raster.rasterise` makes the
label array.
"""

from __future__ import annotations

import base64
import math
import zlib
from typing import Annotated, Literal

import numpy as np
from pydantic import Field, field_validator, model_validator

from photodose.specs.base import Spec
from photodose.specs.optical import OpticalProperties
from photodose.specs.stack import TissueStack

Vector3 = tuple[float, float, float]
MAX_VOXELS = 64_000_000  # 512 MB of float64 fluence per time gate and batch: the limit
MAX_LABEL = 255  # labels are stored as uint8, as MCX's default byte volumes


class Medium(Spec):
    name: str = Field(min_length=1, max_length=80)
    optics: OpticalProperties


class _Shape(Spec):
    label: int = Field(ge=0, le=MAX_LABEL, description="label painted (0 = outside)")


class Slab(_Shape):
    """Voxels with centres between two planes normal to `axis` (z: a layer)."""

    kind: Literal["slab"] = "slab"
    axis: Literal["x", "y", "z"] = "z"
    start_mm: float = Field(ge=-1.0e6, le=1.0e6)
    end_mm: float = Field(ge=-1.0e6, le=1.0e6)

    @model_validator(mode="after")
    def _ordered(self) -> Slab:
        if self.end_mm <= self.start_mm:
            raise ValueError(f"end_mm = {self.end_mm}: must exceed start_mm = {self.start_mm}")
        return self


class Box(_Shape):
    """Voxels with centres inside an axis-aligned box."""

    kind: Literal["box"] = "box"
    min_mm: Vector3
    max_mm: Vector3

    @model_validator(mode="after")
    def _ordered(self) -> Box:
        if any(b <= a for a, b in zip(self.min_mm, self.max_mm, strict=True)):
            raise ValueError(f"max_mm = {self.max_mm}: each must exceed min_mm = {self.min_mm}")
        return self


class Sphere(_Shape):
    kind: Literal["sphere"] = "sphere"
    center_mm: Vector3
    radius_mm: float = Field(gt=0.0, le=1.0e6)


class Cylinder(_Shape):
    """A finite cylinder between two end centres, at any orientation (nerves, vessels)."""

    kind: Literal["cylinder"] = "cylinder"
    start_mm: Vector3
    end_mm: Vector3
    radius_mm: float = Field(gt=0.0, le=1.0e6)

    @model_validator(mode="after")
    def _has_length(self) -> Cylinder:
        if math.dist(self.start_mm, self.end_mm) == 0.0:
            raise ValueError(f"end_mm = {self.end_mm}: must differ from start_mm")
        return self


Shape = Annotated[Slab | Box | Sphere | Cylinder, Field(discriminator="kind")]


class Volume(Spec):
    media: tuple[Medium, ...] = Field(min_length=1, max_length=MAX_LABEL)
    voxel_mm: float = Field(gt=0.0, le=100.0, description="voxel edge length, mm")
    dims: tuple[int, int, int] = Field(description="voxels along x, y, z")
    n_outside: float = Field(default=1.0, ge=1.0, le=5.0, description="index outside (label 0)")
    fill_label: int = Field(default=1, ge=0, le=MAX_LABEL, description="label before shapes")
    shapes: tuple[Shape, ...] = ()
    labels_zlib_b64: str | None = Field(
        default=None, description="inline uint8 labels, C order [x, y, z], zlib + base64"
    )
    labels_file: str | None = Field(
        default=None, description="labels from a .nii, .nii.gz, .jnii or .npy file"
    )

    @field_validator("dims")
    @classmethod
    def _dims_in_range(cls, dims: tuple[int, int, int]) -> tuple[int, int, int]:
        if any(d < 1 or d > 4096 for d in dims):
            raise ValueError(f"dims = {dims}: each must be 1..4096 voxels")
        if math.prod(dims) > MAX_VOXELS:
            raise ValueError(f"dims = {dims}: at most {MAX_VOXELS:,} voxels")
        return dims

    @model_validator(mode="after")
    def _labels_known(self) -> Volume:
        if self.labels_zlib_b64 is not None and self.labels_file is not None:
            raise ValueError("labels_file: give inline labels or a file, not both")
        top = len(self.media)
        for where, label in [("fill_label", self.fill_label)] + [
            (f"shapes.{i}.label", s.label) for i, s in enumerate(self.shapes)
        ]:
            if label > top:
                raise ValueError(f"{where} = {label}: labels are 0 (outside) .. {top} (media)")
        return self

    @property
    def size_mm(self) -> Vector3:
        nx, ny, nz = self.dims
        h = self.voxel_mm
        return (nx * h, ny * h, nz * h)

    def medium(self, label: int) -> Medium:
        return self.media[label - 1]

    def label_of(self, name: str) -> int:
        """The label of the medium called `name`."""
        for label, medium in enumerate(self.media, start=1):
            if medium.name == name:
                return label
        known = ", ".join(m.name for m in self.media)
        raise ValueError(f"structure = {name!r}: not a medium of this volume ({known})")

    def inline_labels(self) -> np.ndarray | None:
        if self.labels_zlib_b64 is None:
            return None
        raw = zlib.decompress(base64.b64decode(self.labels_zlib_b64))
        return np.frombuffer(raw, dtype=np.uint8).reshape(self.dims).copy()

    @classmethod
    def from_array(
        cls, labels: np.ndarray, media: tuple[Medium, ...], voxel_mm: float,
        n_outside: float = 1.0,
    ) -> Volume:  # fmt: skip
        """A volume holding `labels` (integers [x, y, z]) inline."""
        labels = np.asarray(labels)
        if labels.ndim != 3:
            raise ValueError(f"labels: need a 3-D array, got shape {labels.shape}")
        if labels.size and (labels.min() < 0 or labels.max() > len(media)):
            raise ValueError(
                f"labels: values {labels.min()}..{labels.max()} outside 0..{len(media)}"
            )
        packed = np.ascontiguousarray(labels, dtype=np.uint8)
        text = base64.b64encode(zlib.compress(packed.tobytes(), 6)).decode("ascii")
        return cls(
            media=media, voxel_mm=voxel_mm, dims=packed.shape, n_outside=n_outside,
            labels_zlib_b64=text,
        )  # fmt: skip

    @classmethod
    def from_stack(
        cls, stack: TissueStack, voxel_mm: float, width_mm: float, depth_mm: float | None = None,
    ) -> Volume:  # fmt: skip
        """The layered stack extruded to a width_mm x width_mm block, depth_mm deep
        (default: the stack's thickness), one z slab per layer. The medium below the stack
        must be outside (n_outside = stack.n_above; a differing n_below is refused)."""
        if stack.n_below != stack.n_above:
            raise ValueError(
                f"n_below = {stack.n_below}: a volume has one outside index; "
                f"needs n_below = n_above = {stack.n_above}"
            )
        depth = stack.thickness_mm if depth_mm is None else depth_mm
        n_xy = max(1, round(width_mm / voxel_mm))
        n_z = max(1, round(depth / voxel_mm))
        media = tuple(Medium(name=layer.name, optics=layer.tissue) for layer in stack.layers)
        bounds = stack.boundaries_mm
        slabs = tuple(
            Slab(label=i + 1, start_mm=bounds[i], end_mm=bounds[i + 1])
            for i in range(len(stack.layers))
            if bounds[i] < depth
        )
        return cls(
            media=media, voxel_mm=voxel_mm, dims=(n_xy, n_xy, n_z),
            n_outside=stack.n_above, fill_label=0, shapes=slabs,
        )  # fmt: skip
