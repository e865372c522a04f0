"""NIfTI-1 and JNIfTI files: read back by an independent reader (nibabel), files written
by nibabel read here, and JNIfTI's row- and column-major arrays as its specification
defines them."""

from __future__ import annotations

import base64
import json
import zlib
from pathlib import Path

import nibabel
import numpy as np
import pytest

from photodose.errors import InputFileError
from photodose.io.nifti import read_jnifti, read_labels, read_nifti, write_jnifti, write_nifti


@pytest.mark.parametrize("name", ["field.nii", "field.nii.gz"])
def test_nifti_written_here_reads_in_nibabel(tmp_path: Path, name: str) -> None:
    rng = np.random.default_rng(1)
    field = rng.random((4, 3, 5, 2)).astype(np.float32)
    write_nifti(tmp_path / name, field, voxel_mm=0.25, gate_s=1e-9, description="test")
    image = nibabel.load(tmp_path / name)
    np.testing.assert_array_equal(np.asarray(image.dataobj), field)
    assert image.header.get_zooms()[:3] == pytest.approx((0.25, 0.25, 0.25))
    assert image.header.get_xyzt_units() == ("mm", "sec")
    np.testing.assert_allclose(image.affine[:3, :3], np.eye(3) * 0.25)
    back, voxel = read_nifti(tmp_path / name)
    np.testing.assert_array_equal(back, field)
    assert voxel == pytest.approx(0.25)


def test_nifti_written_by_nibabel_reads_here(tmp_path: Path) -> None:
    labels = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4) % 3
    image = nibabel.Nifti1Image(labels, affine=np.diag([0.5, 0.5, 0.5, 1.0]))
    nibabel.save(image, tmp_path / "labels.nii.gz")
    np.testing.assert_array_equal(read_labels(tmp_path / "labels.nii.gz"), labels)
    _, voxel = read_nifti(tmp_path / "labels.nii.gz")
    assert voxel == pytest.approx(0.5)


def test_jnifti_array_orders_follow_the_jdata_specification(tmp_path: Path) -> None:
    """JData: `_ArrayOrder_` "r" (the default) is row-major, "c" column-major (the one MCX
    writes); `_ArrayZipData_` is base64 of the zlib-compressed little-endian bytes."""
    values = list(range(6))
    for order, expected in (("r", np.arange(6).reshape(2, 3)),
                            ("c", np.arange(6).reshape(2, 3, order="F"))):  # fmt: skip
        document = {"NIFTIHeader": {"VoxelSize": [2.0, 2.0, 2.0]},
                    "NIFTIData": {"_ArrayType_": "int32", "_ArraySize_": [2, 3, 1],
                                  "_ArrayOrder_": order, "_ArrayData_": values}}  # fmt: skip
        (tmp_path / "a.jnii").write_text(json.dumps(document))
        array, voxel = read_jnifti(tmp_path / "a.jnii")
        np.testing.assert_array_equal(array[:, :, 0], expected)
        assert voxel == 2.0
    raw = np.arange(6, dtype="<f4").tobytes()
    packed = base64.b64encode(zlib.compress(raw)).decode()
    document = {"NIFTIData": {"_ArrayType_": "single", "_ArraySize_": [6, 1, 1],
                              "_ArrayZipType_": "zlib", "_ArrayZipSize_": 6,
                              "_ArrayZipData_": packed}}  # fmt: skip
    (tmp_path / "z.jnii").write_text(json.dumps(document))
    np.testing.assert_array_equal(read_jnifti(tmp_path / "z.jnii")[0][:, 0, 0], np.arange(6))


@pytest.mark.parametrize("compress", [True, False])
def test_jnifti_round_trip(tmp_path: Path, compress: bool) -> None:
    field = np.random.default_rng(2).random((3, 4, 5)).astype(np.float32)
    write_jnifti(tmp_path / "f.jnii", field, voxel_mm=0.1, compress=compress)
    back, voxel = read_jnifti(tmp_path / "f.jnii")
    np.testing.assert_array_equal(back, field)
    assert voxel == pytest.approx(0.1)
    header = json.loads((tmp_path / "f.jnii").read_text())["NIFTIHeader"]
    assert header["Dim"] == [3, 4, 5] and header["Unit"] == {"L": "mm", "T": "s"}


def test_bad_label_files_are_named(tmp_path: Path) -> None:
    np.save(tmp_path / "frac.npy", np.full((2, 2, 2), 0.5))
    with pytest.raises(InputFileError, match="whole numbers"):
        read_labels(tmp_path / "frac.npy")
    np.save(tmp_path / "flat.npy", np.zeros((2, 2), dtype=np.uint8))
    with pytest.raises(InputFileError, match="3-D"):
        read_labels(tmp_path / "flat.npy")
    (tmp_path / "x.nii").write_bytes(b"not nifti" * 50)
    with pytest.raises(InputFileError, match="NIfTI"):
        read_nifti(tmp_path / "x.nii")
    with pytest.raises(InputFileError, match="no such file"):
        read_labels(tmp_path / "missing.nii")
