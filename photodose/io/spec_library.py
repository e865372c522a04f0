"""A library of named spec files: shipped ones plus the user's own, one validation.

Specs are TOML or JSON files named after the spec (`wrist-median.toml` holds the spec
named `wrist-median`). Shipped files live in a package folder; user files are read from
the folders in an environment variable (separated by the platform's path separator) and
from ~/.photodose/<kind>s. A name may be defined only once.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from stat import S_ISDIR
from typing import Generic, Protocol, Self, TypeVar

from pydantic import ValidationError

from photodose.errors import BadInputError, InputFileError
from photodose.specs import describe_error

SUFFIXES = (".toml", ".json")


class NamedSpec(Protocol):
    @property
    def name(self) -> str: ...

    @classmethod
    def load(cls, path: str | Path) -> Self: ...


SpecT = TypeVar("SpecT", bound=NamedSpec)


@dataclass(frozen=True)
class SpecLibrary(Generic[SpecT]):
    kind: str  # "site", "device": used in messages and the user folder's name
    spec_type: type[SpecT]
    shipped_dir: Path
    user_env: str

    def user_dirs(self) -> list[Path]:
        """Folders searched for user files, in order."""
        return [Path(folder) for folder in self._user_folders()]

    def _user_folders(self) -> list[str]:
        # os.path, not pathlib: this runs for every spec a web request loads
        listed = os.environ.get(self.user_env, "").split(os.pathsep)
        folders = [os.path.expanduser(p) for p in listed if p]
        folders.append(os.path.join(os.path.expanduser("~"), ".photodose", f"{self.kind}s"))
        return folders

    def files(self) -> dict[str, Path]:
        """Every known name and the file defining it. A folder is listed again when its
        modification time changes (adding, removing or renaming a file changes it)."""
        folders = (str(self.shipped_dir), *self._user_folders())
        return dict(_listing(self.kind, folders, tuple(_folder_stamp(f) for f in folders)))

    def names(self) -> list[str]:
        return sorted(self.files())

    def read_file(self, path: str | Path) -> SpecT:
        """Load and validate one file; errors (one line) name the file, the field and
        the value, or what is wrong with the file itself."""
        path = path if isinstance(path, Path) else Path(path)
        try:
            stat = os.stat(path)
        except FileNotFoundError:
            raise InputFileError(path, f"no such {self.kind} file") from None
        try:
            return _parsed(self.spec_type, os.path.abspath(path), stat.st_mtime_ns, stat.st_size)
        except ValidationError as error:
            raise InputFileError(
                path, f"invalid {self.kind}: {describe_error(error, one_line=True)}"
            ) from None

    def load(self, name_or_path: str | Path) -> SpecT:
        """A spec by library name, or from a file path (anything with a suffix or a
        folder in it: names are plain slugs such as 'wrist-median')."""
        text = str(name_or_path)
        if isinstance(name_or_path, Path) or _looks_like_path(text):
            return self.read_file(name_or_path)
        files = self.files()
        if text not in files:
            raise BadInputError(
                self.kind, repr(text), f"unknown {self.kind}; known: {', '.join(sorted(files))}"
            )
        spec = self.read_file(files[text])
        if spec.name != text:
            raise InputFileError(
                files[text], f"name = {spec.name!r} must match the file name {text!r}"
            )
        return spec

    def load_all(self) -> list[SpecT]:
        """Every known spec, sorted by name."""
        return [self.load(name) for name in self.names()]


def _folder_stamp(folder: str) -> int | None:
    """A folder's modification time, None if it is not a folder."""
    try:
        stat = os.stat(folder)
    except OSError:
        return None
    return stat.st_mtime_ns if S_ISDIR(stat.st_mode) else None


@lru_cache(maxsize=64)
def _listing(kind: str, folders: tuple[str, ...],
             _stamps: tuple[int | None, ...]) -> tuple[tuple[str, Path], ...]:  # fmt: skip
    # the folders' times are in the key; an error (a name defined twice) is not kept
    files: dict[str, Path] = {}
    for folder, stamp in zip(folders, _stamps, strict=True):
        if stamp is None:
            continue
        for path in sorted(Path(folder).iterdir()):
            if path.suffix.lower() not in SUFFIXES:
                continue
            if path.stem in files and files[path.stem].resolve() != path.resolve():
                raise InputFileError(
                    path, f"{kind} {path.stem!r} is defined twice, also in {files[path.stem]}"
                )
            files[path.stem] = path
    return tuple(files.items())


@lru_cache(maxsize=512)
def _parsed(spec_type: type[SpecT], path: str, _mtime_ns: int, _size: int) -> SpecT:
    # specs are frozen, so one parsed object serves every caller; the file's time and
    # size are in the key, so an edited file is read again (a web request loads its site
    # and device each time, and parsing TOML and validating was most of that)
    return spec_type.load(path)


def _looks_like_path(text: str) -> bool:
    return "." in text or "/" in text or os.sep in text or text.startswith("~")
