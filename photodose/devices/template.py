"""Device file templates: every field of a laser probe or an LED array, with its meaning,
unit and range, and how the figures on a vendor's data sheet map onto them.

The text is built from the specs' own field descriptions, so a field added to `Device`
appears here; tests load each template back as a valid device.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from photodose.devices.device import Device, LedArray
from photodose.errors import BadInputError
from photodose.optics import EmissionSpectrum
from photodose.specs import Beam

TemplateKind = Literal["laser", "led-array"]

# What each field means when the description is silent (the specs' own descriptions win).
_MEANING: dict[str, str] = {
    "name": "file name without .toml: letters, digits and '-'",
    "title": "one line shown in plans and reports",
    "description": "free text",
    "kind": "'laser_probe' or 'led_array'",
    "mode": "'cw' (continuous) or 'pulsed' (then peak_power_W, frequency_Hz, duty_cycle)",
    "frequency_Hz": "pulse repetition frequency, Hz (pulsed only)",
    "duty_cycle": "fraction of the time the light is on, 0-1 (pulsed only)",
    "pulse_duration_s": "length of one pulse, s (pulsed only; duty = duration x frequency)",
    "power_W": "average (time-averaged) radiant power of the probe, W",
    "source": "citation of every number; write ASSUMPTION where a value is not checked",
    "emission.kind": "'laser' (a line) or 'led' (a band, give fwhm_nm)",
    "emission.peak_nm": "peak wavelength, nm",
    "probe.beam.profile": "'flat_top' (uniform disc) or 'gaussian' (radius at 1/e^2)",
    "probe.beam.radius_mm": "spot radius at the skin, mm (flat top: the disc; gaussian: 1/e^2)",
    "led_array.rows": "LED rows (or give positions_mm instead of rows and cols)",
    "led_array.cols": "LED columns",
    "led_array.positions_mm": "explicit LED centres [[x, y], ...] in mm, instead of rows/cols",
    "led_array.half_angle_deg": "angle where the LED's intensity halves (data sheet "
    "'viewing angle' / 2), or give lambertian_order",
    "led_array.lambertian_order": "cosine-power order m of each LED (1 = Lambertian)",
}

_VENDOR_TERMS: dict[str, str] = {
    "laser": """\
# Vendor terms -> fields:
#   "output 100 mW" (average)          -> power_W = 0.1
#   "peak power 25 W, 5 kHz, 200 ns"   -> mode = "pulsed", peak_power_W = 25,
#                                         frequency_Hz = 5000, pulse_duration_s = 2e-7,
#                                         duty_cycle = 5000 * 2e-7 = 0.001,
#                                         power_W = 25 * 0.001 = 0.025
#   "spot 0.5 cm^2"                    -> flat top, radius_mm = sqrt(50 / pi) = 3.99
#   "irradiance 200 mW/cm^2"           -> power_W = 0.2 W/cm^2 * spot area (cm^2)
#   "4 J/cm^2 per point"               -> a dose, not a device field: plan with it
""",
    "led-array": """\
# Vendor terms -> fields:
#   "60 diodes per pad"                -> rows x cols = 60 (e.g. 6 x 10)
#   "1.3 W per pad" (average)          -> element_power_W = 1.3 / 60 = 0.0217
#   "irradiance 20 mW/cm^2" (mean)     -> element_power_W = 0.020 W/cm^2 * (pitch_mm/10)^2
#                                         (each LED owns a pitch x pitch cell)
#   "1.3 J/cm^2 per minute"            -> mean irradiance 1.3 / 60 W/cm^2 = 21.7 mW/cm^2
#   "viewing angle 120 degrees"        -> half_angle_deg = 60
#   "several pads"                     -> one device file per pad layout, or one file
#                                         with positions_mm holding every pad's LEDs
#   "pulsed at 292 Hz, 50 %"           -> mode = "pulsed", frequency_Hz = 292,
#                                         duty_cycle = 0.5, peak_power_W = 2 x average
""",
}

_EXAMPLES: dict[str, dict[str, object]] = {
    "laser": {
        "name": "my-808nm-probe",
        "title": "808 nm laser probe, 100 mW CW, 0.5 cm2 spot",
        "kind": "laser_probe",
        "mode": "cw",
        "power_W": 0.1,
        "source": "ASSUMPTION: maker's data sheet values, not measured",
        "emission": {"kind": "laser", "peak_nm": 808.0, "fwhm_nm": 0.0},
        "probe": {"beam": {"profile": "flat_top", "radius_mm": 3.99}},
    },
    "led-array": {
        "name": "my-890nm-pad",
        "title": "890 nm LED pad, 60 diodes",
        "kind": "led_array",
        "mode": "cw",
        "source": "ASSUMPTION: maker's data sheet values, not measured",
        "emission": {"kind": "led", "peak_nm": 890.0, "fwhm_nm": 40.0},
        "led_array": {
            "rows": 6,
            "cols": 10,
            "pitch_mm": 10.0,
            "element_power_W": 0.0217,
            "half_angle_deg": 60.0,
            "standoff_mm": 3.0,
        },
    },
}

_OMITTED_BY_KIND: dict[str, frozenset[str]] = {
    "laser": frozenset({"led_array"}),
    "led-array": frozenset({"probe", "power_W"}),
}


def device_template(kind: TemplateKind) -> str:
    """A TOML device file for `kind` with every field documented (unused ones commented
    out); loads as a valid device as it stands."""
    if kind not in _EXAMPLES:
        raise BadInputError("template", kind, "one of: laser, led-array")
    example = _EXAMPLES[kind]
    lines = [
        f"# photodose device file ({kind}): copy, edit, save as <name>.toml and use it with",
        "# --device <file> or put it in ~/.photodose/devices/. Every field is listed with its",
        "# unit and range; lines starting with '# ' are optional or unused here.",
        _VENDOR_TERMS[kind],
    ]
    lines += _section(Device, example, "", _OMITTED_BY_KIND[kind])
    lines += ["", "[emission]"]
    lines += _section(EmissionSpectrum, example["emission"], "emission.")  # type: ignore[arg-type]
    if kind == "laser":
        lines += ["", "[probe.beam]"]
        beam = example["probe"]["beam"]  # type: ignore[index]
        lines += _section(Beam, beam, "probe.beam.")
    else:
        lines += ["", "[led_array]"]
        lines += _section(LedArray, example["led_array"], "led_array.")  # type: ignore[arg-type]
    return "\n".join(lines) + "\n"


def _section(
    model: type[BaseModel], example: dict[str, object], prefix: str,
    omitted: frozenset[str] = frozenset(),
) -> list[str]:  # fmt: skip
    lines = []
    for name, field in model.model_fields.items():
        if name in omitted or (prefix == "" and name in ("emission", "probe", "led_array")):
            continue
        comment = _describe(field, prefix + name)
        if name in example:
            lines.append(f"{name} = {_toml(example[name])}  # {comment}")
        else:
            lines.append(f"# {name} = ...  # {comment}")
    return lines


def _describe(field: FieldInfo, path: str) -> str:
    bounds = []
    for item in field.metadata:
        for attr, sign in (("gt", ">"), ("ge", ">="), ("lt", "<"), ("le", "<=")):
            value = getattr(item, attr, None)
            if value is not None:
                bounds.append(f"{sign} {value:g}")
    text = _MEANING.get(path) or field.description or path.rsplit(".", 1)[-1]
    if bounds:
        text += f" ({', '.join(bounds)})"
    if not field.is_required():
        text += "; optional"
    return text


def _toml(value: object) -> str:
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


def template_fields(kind: TemplateKind) -> list[str]:
    """Every field path a template of `kind` documents (for tests and docs)."""
    top = [n for n in Device.model_fields if n not in _OMITTED_BY_KIND[kind]
           and n not in ("emission", "probe", "led_array")]  # fmt: skip
    inner = (
        [f"probe.beam.{n}" for n in Beam.model_fields]
        if kind == "laser"
        else [f"led_array.{n}" for n in LedArray.model_fields]
    )
    return top + [f"emission.{n}" for n in EmissionSpectrum.model_fields] + inner
