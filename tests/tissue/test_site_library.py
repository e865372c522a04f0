"""The site library: shipped and user sites, files by path, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from photodose.errors import InputFileError
from photodose.tissue import list_sites, load_site
from photodose.tissue.library import USER_SITES_ENV


@pytest.fixture
def user_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "sites"
    folder.mkdir()
    monkeypatch.setenv(USER_SITES_ENV, str(folder))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    return folder


def _user_copy(folder: Path, name: str, suffix: str = ".toml") -> Path:
    site = load_site("wrist-median").model_copy(update={"name": name})
    path = folder / f"{name}{suffix}"
    site.save(path)
    return path


def test_user_sites_join_the_library(user_dir: Path) -> None:
    _user_copy(user_dir, "my-wrist")
    _user_copy(user_dir, "my-json-wrist", ".json")
    assert {"my-wrist", "my-json-wrist", "wrist-median"} <= set(list_sites())
    assert load_site("my-wrist").layers == load_site("wrist-median").layers


def test_a_path_loads_directly(tmp_path: Path) -> None:
    path = _user_copy(tmp_path, "elsewhere")
    assert load_site(str(path)).name == "elsewhere"


def test_unknown_name_lists_the_known_ones(user_dir: Path) -> None:
    with pytest.raises(ValueError) as error:
        load_site("elbow-ulnar")
    assert "site = 'elbow-ulnar'" in str(error.value) and "wrist-median" in str(error.value)


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="nowhere.toml"):
        load_site(str(tmp_path / "nowhere.toml"))


def test_a_name_defined_twice_is_an_error(user_dir: Path) -> None:
    _user_copy(user_dir, "wrist-median")
    with pytest.raises(ValueError, match="defined twice"):
        list_sites()


def test_file_name_must_match_site_name(user_dir: Path) -> None:
    path = _user_copy(user_dir, "right-name")
    path.rename(user_dir / "wrong-name.toml")
    with pytest.raises(ValueError, match="must match the file name"):
        load_site("wrong-name")


def test_invalid_user_file_names_file_field_and_value(user_dir: Path) -> None:
    path = _user_copy(user_dir, "bad-wrist")
    path.write_text(path.read_text().replace("thickness_mm = 1.2", "thickness_mm = 9.0"))
    with pytest.raises(ValueError) as error:
        load_site("bad-wrist")
    message = str(error.value)
    assert "bad-wrist.toml" in message and "thickness_mm = 9.0" in message
