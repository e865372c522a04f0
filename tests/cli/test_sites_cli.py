"""`photodose sites` and `photodose devices` on the command line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

import photodose.cli
from photodose.devices import load_device
from photodose.tissue import Patient, load_site

photodose.cli._register_all()
RUNNER = CliRunner()
WIDE = {"COLUMNS": "250"}


def _run(*args: str):
    result = RUNNER.invoke(photodose.cli.app, list(args), env=WIDE)
    assert result.exit_code == 0, result.output
    return result.output


def test_sites_lists_every_site_with_its_nerve() -> None:
    output = _run("sites")
    for name in ("wrist-median", "medial-ankle-tibial", "plantar-forefoot", "plantar-heel"):
        assert name in output
    assert "tibial nerve" in output and "5.35" in output


def test_sites_show_prints_layers_optics_nerve_and_sources() -> None:
    output = _run("sites", "show", "wrist-median", "--wavelength", "850", "--skin-type", "3")
    site = load_site("wrist-median")
    stack = site.stack(850.0, skin_type=3)
    assert "Layers at 850 nm, skin type 3" in output
    for layer, optical in zip(site.layers, stack.layers, strict=True):
        assert layer.name in output
        assert f"{optical.tissue.mua_per_mm:.4g}" in output
    assert "median nerve, centre 5.35 mm deep" in output
    assert "Mani B, Sarawagi R, Cherian RA 2011" in output


def test_sites_show_takes_a_file_and_a_patient(tmp_path: Path) -> None:
    site_path = tmp_path / "ankle.json"
    load_site("medial-ankle-tibial").updated({"name": "ankle"}).save(site_path)
    patient_path = tmp_path / "patient.toml"
    Patient(skin_type=6, subcutaneous_fat_mm=5.0).save(patient_path)
    output = _run("sites", "show", str(site_path), "--patient", str(patient_path))
    assert "skin type 6" in output
    assert "centre 13 mm deep" in output  # 11 mm + 2 mm more fat


def test_devices_lists_and_shows() -> None:
    output = _run("devices")
    assert "890nm-led-pad" in output and "904nm-pulsed-laser" in output
    output = _run("devices", "show", "904nm-pulsed-laser")
    device = load_device("904nm-pulsed-laser")
    assert "9.4 W" in output and "5000 Hz" in output
    assert f"{device.mean_irradiance_mW_per_cm2():.4g} mW/cm2" in output
    assert "Naeser" in output


def test_devices_show_takes_a_file(tmp_path: Path) -> None:
    path = tmp_path / "pad.toml"
    load_device("890nm-led-pad").save(path)
    output = _run("devices", "show", str(path))
    assert "6 x 10, pitch 10 mm" in output and "292 Hz" in output


def test_unknown_site_is_a_one_line_error_with_status_2() -> None:
    script = "import sys; from photodose.cli import main; sys.argv = sys.argv[1:]; main()"
    result = subprocess.run(
        [sys.executable, "-c", script, "photodose", "sites", "show", "elbow"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("error: site = 'elbow': unknown site")
    assert "Traceback" not in result.stderr


def test_invalid_device_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    load_device("808nm-laser-probe").save(path)
    path.write_text(path.read_text().replace("radius_mm = 3.989", "radius_mm = -1.0"))
    script = "import sys; from photodose.cli import main; sys.argv = sys.argv[1:]; main()"
    result = subprocess.run(
        [sys.executable, "-c", script, "photodose", "devices", "show", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "probe.beam.radius_mm = -1.0" in result.stderr
