"""The site library: shipped sites plus the user's own, all through the same validation.

Sites are TOML or JSON files named after the site (`wrist-median.toml` holds the site
`wrist-median`). The shipped ones live in `photodose/tissue/data/sites/`; user sites are
read from the folders in the environment variable PHOTODOSE_SITES (separated by the
platform's path separator) and from ~/.photodose/sites. A name may be defined only once.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import ValidationError

from photodose.specs import describe_error
from photodose.tissue.site import Site

SHIPPED_SITES_DIR = Path(__file__).parent / "data" / "sites"
USER_SITES_ENV = "PHOTODOSE_SITES"
_SUFFIXES = (".toml", ".json")


def user_site_dirs() -> list[Path]:
    """Folders searched for user sites, in order."""
    listed = os.environ.get(USER_SITES_ENV, "").split(os.pathsep)
    folders = [Path(p).expanduser() for p in listed if p]
    folders.append(Path.home() / ".photodose" / "sites")
    return folders


def site_files() -> dict[str, Path]:
    """Every known site name and the file defining it."""
    files: dict[str, Path] = {}
    for folder in [SHIPPED_SITES_DIR, *user_site_dirs()]:
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            if path.suffix.lower() not in _SUFFIXES:
                continue
            if path.stem in files and files[path.stem].resolve() != path.resolve():
                raise ValueError(
                    f"site {path.stem!r} is defined twice: {files[path.stem]} and {path}"
                )
            files[path.stem] = path
    return files


def list_sites() -> list[str]:
    return sorted(site_files())


def read_site_file(path: str | Path) -> Site:
    """Load and validate one site file; errors name the file, the field and the value."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"site file = {str(path)!r}: no such file")
    try:
        return Site.load(path)
    except ValidationError as error:
        raise ValueError(f"{path}: invalid site\n{describe_error(error)}") from error


def load_site(name_or_path: str | Path) -> Site:
    """A site by library name, or from a .toml/.json file path."""
    text = str(name_or_path)
    if Path(text).suffix.lower() in _SUFFIXES:
        return read_site_file(text)
    files = site_files()
    if text not in files:
        raise ValueError(f"site = {text!r}: unknown site; known: {', '.join(sorted(files))}")
    site = read_site_file(files[text])
    if site.name != text:
        raise ValueError(f"{files[text]}: name = {site.name!r} must match the file name {text!r}")
    return site


def load_sites() -> list[Site]:
    """Every known site, sorted by name."""
    return [load_site(name) for name in list_sites()]
