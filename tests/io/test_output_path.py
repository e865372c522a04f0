"""Output paths: checked before the work, confined to the output folder, written atomically."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from photodose.errors import BadInputError
from photodose.io.output_path import (
    atomic_write,
    check_output_dir,
    check_output_path,
    confined_output,
)


def test_a_new_file_in_an_existing_folder_is_accepted(tmp_path: Path) -> None:
    target = tmp_path / "result.nc"
    assert check_output_path(target, (".nc",)) == target
    assert not target.exists()  # the check writes nothing


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("", "give a file name"),
        ("result.txt", "ending in .nc"),
        ("missing/result.nc", "does not exist"),
    ],
)
def test_bad_names_are_refused_naming_option_and_value(
    tmp_path: Path, name: str, words: str
) -> None:
    value = str(tmp_path / name) if name else ""
    with pytest.raises(BadInputError, match=words) as caught:
        check_output_path(value, (".nc",), what="--out")
    assert str(caught.value).startswith("--out = ")
    assert caught.value.field == "--out"


def test_a_directory_is_not_a_file(tmp_path: Path) -> None:
    (tmp_path / "folder.nc").mkdir()
    with pytest.raises(BadInputError, match="is a folder"):
        check_output_path(tmp_path / "folder.nc", (".nc",))


def test_suffix_check_is_case_insensitive(tmp_path: Path) -> None:
    check_output_path(tmp_path / "R.NC", ("nc",))


def test_existing_file_needs_force(tmp_path: Path) -> None:
    target = tmp_path / "old.nc"
    target.write_text("keep me")
    with pytest.raises(BadInputError, match="--force"):
        check_output_path(target, (".nc",))
    assert check_output_path(target, (".nc",), force=True) == target
    assert target.read_text() == "keep me"


def test_an_input_is_never_an_output_even_with_force(tmp_path: Path) -> None:
    source = tmp_path / "run.mco"
    source.write_text("input")
    with pytest.raises(BadInputError, match="also an input"):
        check_output_path(source, (".mco",), force=True, inputs=[source])


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_read_only_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(BadInputError, match="not writable"):
            check_output_path(folder / "x.nc", (".nc",))
        with pytest.raises(BadInputError, match="not writable"):
            check_output_dir(folder)
    finally:
        folder.chmod(0o700)


def test_output_dir_must_exist_and_be_a_folder(tmp_path: Path) -> None:
    assert check_output_dir(tmp_path) == tmp_path
    with pytest.raises(BadInputError, match="does not exist"):
        check_output_dir(tmp_path / "nope")
    (tmp_path / "f").write_text("")
    with pytest.raises(BadInputError, match="not a folder"):
        check_output_dir(tmp_path / "f")


@pytest.mark.parametrize("name", ["/etc/passwd.mco", "../escape.mco", "a/../../b.mco", "~/x.mco"])
def test_confined_output_refuses_names_leaving_the_folder(tmp_path: Path, name: str) -> None:
    with pytest.raises(BadInputError, match="output folder"):
        confined_output(tmp_path, name, (".mco",))


def test_confined_output_refuses_a_symlink_out(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    inside = tmp_path / "inside"
    inside.mkdir()
    (inside / "link").symlink_to(outside)
    with pytest.raises(BadInputError, match="leads out"):
        confined_output(inside, "link/x.mco", (".mco",))


def test_confined_output_accepts_a_plain_name(tmp_path: Path) -> None:
    assert confined_output(tmp_path, "a.mco", (".mco",)) == tmp_path / "a.mco"


def test_atomic_write_renames_on_success(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    with atomic_write(target) as temporary:
        assert temporary.parent == tmp_path
        assert temporary.suffix == ".txt"
        temporary.write_text("done")
        assert not target.exists()
    assert target.read_text() == "done"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]
    assert (target.stat().st_mode & 0o777) == (0o666 & ~_umask())


def test_atomic_write_leaves_nothing_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_write(target) as temporary:
        temporary.write_text("half")
        raise RuntimeError("boom")
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
