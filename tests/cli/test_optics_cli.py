"""`photodose optics`: table, plot files and one-line errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import photodose.cli
from photodose.cli.optics import parse_wavelengths
from photodose.optics import optical_properties, tissue_preset

photodose.cli._register_all()
runner = CliRunner()


def test_table_lists_the_requested_wavelengths_and_values():
    result = runner.invoke(photodose.cli.app, ["optics", "muscle", "--wavelengths", "600:1100:100"])
    assert result.exit_code == 0, result.output
    for wavelength in ("600", "700", "800", "900", "1000", "1100"):
        assert wavelength in result.output
    expected = optical_properties(tissue_preset("muscle"), 800.0)
    assert f"{expected.mua_per_mm:.4g}" in result.output
    assert f"{expected.musp_per_mm:.4g}" in result.output


def test_skin_type_and_override():
    result = runner.invoke(
        photodose.cli.app,
        ["optics", "epidermis", "--wavelengths", "850", "--skin-type", "6"],
    )
    assert result.exit_code == 0, result.output
    expected = optical_properties(tissue_preset("epidermis", skin_type=6), 850.0)
    assert f"{expected.mua_per_mm:.4g}" in result.output
    result = runner.invoke(
        photodose.cli.app,
        ["optics", "dermis", "--wavelengths", "850", "--set", "blood_fraction=0.02"],
    )
    assert result.exit_code == 0, result.output
    expected = optical_properties(tissue_preset("dermis", blood_fraction=0.02), 850.0)
    assert f"{expected.mua_per_mm:.4g}" in result.output


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_plot_is_written(tmp_path: Path, suffix: str):
    out = tmp_path / f"fat{suffix}"
    result = runner.invoke(
        photodose.cli.app,
        ["optics", "subcutaneous_fat", "--wavelengths", "600:1100:25", "--plot", str(out)],
    )
    assert result.exit_code == 0, result.output
    head = out.read_bytes()[:200]
    assert head.startswith(b"\x89PNG") if suffix == ".png" else b"<svg" in out.read_bytes()


def test_parse_wavelengths():
    assert list(parse_wavelengths("600:700:50")) == [600.0, 650.0, 700.0]
    assert list(parse_wavelengths("810,850,980")) == [810.0, 850.0, 980.0]
    for bad in ("600:700", "700:600:10", "600:700:0", "abc"):
        with pytest.raises(ValueError, match="--wavelengths"):
            parse_wavelengths(bad)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["optics", "skin"], "tissue = 'skin': unknown"),
        (["optics", "dermis", "--wavelengths", "400:900:100"], "wavelength_nm = 400"),
        (["optics", "epidermis", "--skin-type", "7"], "skin_type = 7"),
        (["optics", "dermis", "--set", "water_fraction=2"], "water_fraction = 2.0"),
        (["optics", "dermis", "--plot", "out.pdf"], "must end in .png or .svg"),
    ],
)
def test_bad_input_is_one_line_error_with_status_2(args, message):
    completed = subprocess.run(
        [sys.executable, "-m", "photodose.cli", *args], capture_output=True, text=True
    )
    assert completed.returncode == 2
    assert message in completed.stderr
    assert "Traceback" not in completed.stderr
