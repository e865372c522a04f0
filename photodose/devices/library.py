"""The device library: shipped devices (photodose/devices/data/) plus the user's own,
from the folders in PHOTODOSE_DEVICES and ~/.photodose/devices (see io/spec_library.py)."""

from __future__ import annotations

from pathlib import Path

from photodose.devices.device import Device
from photodose.io.spec_library import SpecLibrary

SHIPPED_DEVICES_DIR = Path(__file__).parent / "data"
USER_DEVICES_ENV = "PHOTODOSE_DEVICES"
DEVICES = SpecLibrary("device", Device, SHIPPED_DEVICES_DIR, USER_DEVICES_ENV)

user_device_dirs = DEVICES.user_dirs
device_files = DEVICES.files
list_devices = DEVICES.names
read_device_file = DEVICES.read_file
load_device = DEVICES.load
load_devices = DEVICES.load_all
