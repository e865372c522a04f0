"""NIfTI-1 (.nii, .nii.gz) and JNIfTI (.jnii) files of 3-D or 4-D voxel arrays.

NIfTI-1: the 348-byte header of the NIfTI-1 standard (NIfTI Data Format Working Group,
2004, nifti1.h), a 4-byte empty extension, then the voxels with x varying fastest;
single file ("n+1"), lengths in mm and time in s (xyzt_units 2 | 8), a diagonal sform
that maps voxel (i, j, k) to (i h, j h, k h) mm.

JNIfTI: the JSON form of NIfTI (Fang et al., NeuroJSON JNIfTI specification, draft 1):
an object with `NIFTIHeader` (named header fields) and `NIFTIData`, an annotated JData
array (`_ArrayType_`, `_ArraySize_`, `_ArrayOrder_` "c" for column-major, as MCX writes,
or "r", and either `_ArrayData_` inline or zlib-compressed, base64-encoded
`_ArrayZipData_`; JData specification, draft 3). MCX and MCX-CL write this form.

Arrays here are numpy arrays indexed [x, y, z(, t)].
"""

from __future__ import annotations

import base64
import gzip
import json
import struct
import zlib
from pathlib import Path
from typing import Literal

import numpy as np

from photodose.errors import InputFileError

# NIfTI-1 datatype codes (nifti1.h) <-> numpy
_NIFTI_TYPES = {
    2: np.uint8, 4: np.int16, 8: np.int32, 16: np.float32, 64: np.float64,
    256: np.int8, 512: np.uint16, 768: np.uint32,
}  # fmt: skip
_NIFTI_CODES = {np.dtype(t): code for code, t in _NIFTI_TYPES.items()}
# JData type names (JData specification, draft 3, table 1)
_JDATA_TYPES = {
    "uint8": np.uint8, "int8": np.int8, "uint16": np.uint16, "int16": np.int16,
    "uint32": np.uint32, "int32": np.int32, "uint64": np.uint64, "int64": np.int64,
    "single": np.float32, "double": np.float64,
}  # fmt: skip
_JDATA_NAMES = {np.dtype(t): name for name, t in _JDATA_TYPES.items()}
_UNITS_MM_S = 2 | 8  # NIFTI_UNITS_MM | NIFTI_UNITS_SEC


def _header(array: np.ndarray, voxel_mm: float, gate_s: float, description: str) -> bytes:
    dims = list(array.shape) + [1] * (7 - array.ndim)
    code = _NIFTI_CODES[array.dtype]
    pixdim = [1.0, voxel_mm, voxel_mm, voxel_mm, gate_s, 1.0, 1.0, 1.0]
    head = bytearray(348)
    struct.pack_into("<i", head, 0, 348)
    struct.pack_into("<8h", head, 40, array.ndim, *dims)
    struct.pack_into("<hh", head, 70, code, array.dtype.itemsize * 8)
    struct.pack_into("<8f", head, 76, *pixdim)
    struct.pack_into("<fff", head, 108, 352.0, 1.0, 0.0)  # vox_offset, scl_slope, scl_inter
    struct.pack_into("<B", head, 123, _UNITS_MM_S)
    head[148 : 148 + 80] = description.encode("ascii", "replace")[:79].ljust(80, b"\0")
    struct.pack_into("<hh", head, 252, 0, 2)  # qform unknown, sform aligned
    struct.pack_into("<4f", head, 280, voxel_mm, 0.0, 0.0, 0.0)
    struct.pack_into("<4f", head, 296, 0.0, voxel_mm, 0.0, 0.0)
    struct.pack_into("<4f", head, 312, 0.0, 0.0, voxel_mm, 0.0)
    head[344:348] = b"n+1\0"
    return bytes(head) + b"\0\0\0\0"


def write_nifti(
    path: str | Path, array: np.ndarray, voxel_mm: float, gate_s: float = 1.0,
    description: str = "",
) -> None:  # fmt: skip
    """Write a 3-D or 4-D array as NIfTI-1 (gzip-compressed when the name ends .gz)."""
    array = np.asarray(array)
    if array.dtype not in _NIFTI_CODES:
        array = array.astype(np.float32)
    payload = _header(array, voxel_mm, gate_s, description) + array.astype(
        array.dtype.newbyteorder("<")
    ).tobytes(order="F")
    path = Path(path)
    if path.name.endswith(".gz"):
        payload = gzip.compress(payload, compresslevel=6)
    path.write_bytes(payload)


def read_nifti(path: str | Path) -> tuple[np.ndarray, float]:
    """The array and voxel size (mm) of a NIfTI-1 file (either byte order)."""
    path = Path(path)
    raw = _read_bytes(path)
    if path.name.endswith(".gz") or raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    if len(raw) < 352:
        raise InputFileError(path, "not a NIfTI-1 file (shorter than its header)")
    order: Literal["<", ">"] = "<" if struct.unpack_from("<i", raw, 0)[0] == 348 else ">"
    if struct.unpack_from(order + "i", raw, 0)[0] != 348 or raw[344:347] not in (b"n+1", b"ni1"):
        raise InputFileError(path, "not a single-file NIfTI-1 image (no 'n+1' magic)")
    ndim, *dims = struct.unpack_from(order + "8h", raw, 40)
    code = struct.unpack_from(order + "h", raw, 70)[0]
    if code not in _NIFTI_TYPES:
        raise InputFileError(path, f"NIfTI datatype {code} is not supported")
    pixdim = struct.unpack_from(order + "8f", raw, 76)
    offset = int(struct.unpack_from(order + "f", raw, 108)[0])
    slope, inter = struct.unpack_from(order + "ff", raw, 112)
    dtype = np.dtype(_NIFTI_TYPES[code]).newbyteorder(order)
    shape = tuple(dims[:ndim])
    count = int(np.prod(shape))
    data = np.frombuffer(raw, dtype=dtype, count=count, offset=offset).reshape(shape, order="F")
    data = data.astype(dtype.newbyteorder("="))
    if slope not in (0.0, 1.0) or inter != 0.0:
        data = data * slope + inter
    return np.ascontiguousarray(data), float(pixdim[1])


def write_jnifti(
    path: str | Path, array: np.ndarray, voxel_mm: float, gate_s: float = 1.0,
    description: str = "", compress: bool = True,
) -> None:  # fmt: skip
    """Write a 3-D or 4-D array as a text JNIfTI (.jnii) file, column-major like MCX."""
    array = np.asarray(array)
    if array.dtype not in _JDATA_NAMES:
        array = array.astype(np.float32)
    name = _JDATA_NAMES[array.dtype]
    dims = list(array.shape)
    header = {
        "NIIHeaderSize": 348,
        "Dim": dims,
        "DataType": name,
        "BitDepth": array.dtype.itemsize * 8,
        "VoxelSize": [voxel_mm] * 3 + ([gate_s] if array.ndim > 3 else []),
        "Unit": {"L": "mm", "T": "s"},
        "Description": description,
        "SForm": 1,
        "Affine": [[voxel_mm, 0, 0, 0], [0, voxel_mm, 0, 0], [0, 0, voxel_mm, 0]],
    }
    data: dict[str, object] = {"_ArrayType_": name, "_ArraySize_": dims, "_ArrayOrder_": "c"}
    raw = array.astype(array.dtype.newbyteorder("<")).tobytes(order="F")
    if compress:
        data.update(
            _ArrayZipType_="zlib",
            _ArrayZipSize_=int(array.size),
            _ArrayZipData_=base64.b64encode(zlib.compress(raw, 6)).decode("ascii"),
        )
    else:
        data["_ArrayData_"] = array.ravel(order="F").tolist()
    document = {
        "_DataInfo_": {"JNIFTIVersion": "0.5", "Comment": "Created by photodose"},
        "NIFTIHeader": header,
        "NIFTIData": data,
    }
    Path(path).write_text(json.dumps(document), encoding="utf-8")


def read_jnifti(path: str | Path) -> tuple[np.ndarray, float]:
    """The array and voxel size (mm) of a text JNIfTI file (MCX's or ours)."""
    path = Path(path)
    try:
        document = json.loads(_read_bytes(path))
        header = document.get("NIFTIHeader", {})
        data = document["NIFTIData"]
        dtype = np.dtype(_JDATA_TYPES[data["_ArrayType_"]])
        shape = tuple(int(d) for d in data["_ArraySize_"])
    except (ValueError, KeyError, TypeError) as error:
        raise InputFileError(path, f"not a JNIfTI file ({error})") from error
    column_major = str(data.get("_ArrayOrder_", "r")).lower() in ("c", "col", "column")
    order: Literal["C", "F"] = "F" if column_major else "C"
    if "_ArrayZipData_" in data:
        if data.get("_ArrayZipType_", "zlib") not in ("zlib", "gzip"):
            raise InputFileError(path, f"compression {data['_ArrayZipType_']!r} is not supported")
        raw = base64.b64decode(data["_ArrayZipData_"])
        raw = gzip.decompress(raw) if data.get("_ArrayZipType_") == "gzip" else zlib.decompress(raw)
        flat = np.frombuffer(raw, dtype=dtype.newbyteorder("<"))
    else:
        flat = np.asarray(data["_ArrayData_"], dtype=dtype).ravel()
    array = flat.reshape(shape, order=order).astype(dtype)
    # trailing singleton dimensions (MCX writes [nx, ny, nz, 1, 1]) are dropped
    while array.ndim > 3 and array.shape[-1] == 1:
        array = array[..., 0]
    voxel = header.get("VoxelSize", [1.0])
    return np.ascontiguousarray(array), float(voxel[0])


def read_labels(path: str | Path) -> np.ndarray:
    """Integer labels [x, y, z] from a .nii, .nii.gz, .jnii or .npy file."""
    path = Path(path)
    name = path.name.lower()
    if name.endswith(".npy"):
        try:
            array = np.load(path, allow_pickle=False)
        except (OSError, ValueError) as error:
            raise InputFileError(path, f"not a NumPy array file ({error})") from error
    elif name.endswith(".jnii") or name.endswith(".json"):
        array, _ = read_jnifti(path)
    elif name.endswith(".nii") or name.endswith(".nii.gz"):
        array, _ = read_nifti(path)
    else:
        raise InputFileError(path, "labels must be a .nii, .nii.gz, .jnii or .npy file")
    if array.ndim != 3:
        raise InputFileError(path, f"labels must be a 3-D array, the file holds {array.shape}")
    if not np.issubdtype(array.dtype, np.integer):
        if not np.all(np.equal(np.mod(array, 1), 0)):
            raise InputFileError(path, "labels must be whole numbers")
    if array.min(initial=0) < 0 or array.max(initial=0) > 255:
        raise InputFileError(path, "labels must be 0..255")
    return array.astype(np.uint8)


def _read_bytes(path: Path) -> bytes:
    if not path.is_file():
        raise InputFileError(path, "no such file")
    return path.read_bytes()
