"""The device library: shipped devices plus the user's own, through the same validation.

Devices are TOML or JSON files named after the device (`808nm-laser-probe.toml`). The
shipped ones live in `photodose/devices/data/`; user devices are read from the folders in
PHOTODOSE_DEVICES (separated by the platform's path separator) and ~/.photodose/devices.
A name may be defined only once.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import ValidationError

from photodose.devices.device import Device
from photodose.specs import describe_error

SHIPPED_DEVICES_DIR = Path(__file__).parent / "data"
USER_DEVICES_ENV = "PHOTODOSE_DEVICES"
_SUFFIXES = (".toml", ".json")


def user_device_dirs() -> list[Path]:
    """Folders searched for user devices, in order."""
    listed = os.environ.get(USER_DEVICES_ENV, "").split(os.pathsep)
    folders = [Path(p).expanduser() for p in listed if p]
    folders.append(Path.home() / ".photodose" / "devices")
    return folders


def device_files() -> dict[str, Path]:
    """Every known device name and the file defining it."""
    files: dict[str, Path] = {}
    for folder in [SHIPPED_DEVICES_DIR, *user_device_dirs()]:
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            if path.suffix.lower() not in _SUFFIXES:
                continue
            if path.stem in files and files[path.stem].resolve() != path.resolve():
                raise ValueError(
                    f"device {path.stem!r} is defined twice: {files[path.stem]} and {path}"
                )
            files[path.stem] = path
    return files


def list_devices() -> list[str]:
    return sorted(device_files())


def read_device_file(path: str | Path) -> Device:
    """Load and validate one device file; errors name the file, the field and the value."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"device file = {str(path)!r}: no such file")
    try:
        return Device.load(path)
    except ValidationError as error:
        raise ValueError(f"{path}: invalid device\n{describe_error(error)}") from error


def load_device(name_or_path: str | Path) -> Device:
    """A device by library name, or from a .toml/.json file path."""
    text = str(name_or_path)
    if Path(text).suffix.lower() in _SUFFIXES:
        return read_device_file(text)
    files = device_files()
    if text not in files:
        raise ValueError(f"device = {text!r}: unknown device; known: {', '.join(sorted(files))}")
    device = read_device_file(files[text])
    if device.name != text:
        raise ValueError(f"{files[text]}: name = {device.name!r} must match the file name {text!r}")
    return device


def load_devices() -> list[Device]:
    """Every known device, sorted by name."""
    return [load_device(name) for name in list_devices()]
