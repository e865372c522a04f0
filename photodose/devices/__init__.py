"""Light sources: laser probes and LED arrays, and the irradiance they put on the skin."""

from photodose.devices.device import Device, LaserProbe, LedArray
from photodose.devices.library import list_devices, load_device, load_devices, read_device_file

__all__ = [
    "Device",
    "LaserProbe",
    "LedArray",
    "list_devices",
    "load_device",
    "load_devices",
    "read_device_file",
]
