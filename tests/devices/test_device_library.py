"""The device library: shipped and user devices, files by path, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from photodose.devices import list_devices, load_device
from photodose.devices.library import USER_DEVICES_ENV

REQUIRED = {
    "890nm-led-pad",
    "808nm-laser-probe",
    "980nm-laser-200mW",
    "850nm-scanning-laser",
    "660nm-red-led-array",
    "904nm-pulsed-laser",
}


@pytest.fixture
def user_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "devices"
    folder.mkdir()
    monkeypatch.setenv(USER_DEVICES_ENV, str(folder))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    return folder


def test_the_trial_devices_are_shipped() -> None:
    assert REQUIRED <= set(list_devices())


def test_user_devices_join_the_library(user_dir: Path) -> None:
    device = load_device("808nm-laser-probe").updated({"name": "my-probe"})
    device.save(user_dir / "my-probe.json")
    assert "my-probe" in list_devices()
    assert load_device("my-probe") == device


def test_a_path_loads_directly(tmp_path: Path) -> None:
    path = tmp_path / "probe.toml"
    load_device("808nm-laser-probe").save(path)
    assert load_device(str(path)).name == "808nm-laser-probe"


def test_unknown_name_lists_the_known_ones(user_dir: Path) -> None:
    with pytest.raises(ValueError) as error:
        load_device("1064nm-laser")
    assert "device = '1064nm-laser'" in str(error.value)
    assert "890nm-led-pad" in str(error.value)


def test_a_name_defined_twice_is_an_error(user_dir: Path) -> None:
    load_device("808nm-laser-probe").save(user_dir / "808nm-laser-probe.toml")
    with pytest.raises(ValueError, match="defined twice"):
        list_devices()


def test_invalid_user_file_names_file_field_and_value(user_dir: Path) -> None:
    path = user_dir / "bad-probe.toml"
    load_device("904nm-pulsed-laser").updated({"name": "bad-probe"}).save(path)
    path.write_text(path.read_text().replace("duty_cycle = 0.001", "duty_cycle = 0.002"))
    with pytest.raises(ValueError) as error:
        load_device("bad-probe")
    message = str(error.value)
    assert "bad-probe.toml" in message and "9.4 x 0.002 = 0.0188" in message
