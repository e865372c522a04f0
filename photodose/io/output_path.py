"""Where photodose may write: output paths checked before the work, written atomically.

Every command that writes a file calls `check_output_path` (or `check_output_dir` and
`confined_output` for a folder of outputs) *before* any computation, so a bad path costs
nothing, and writes through `atomic_write`, so a run that fails half-way leaves no
partial file behind::

    target = check_output_path(out, (".nc",), force=force, what="--out")
    ...                                    # the expensive work
    with atomic_write(target) as temporary:
        dataset.to_netcdf(temporary)       # renamed onto `target` only on success

Every refusal is a `photodose.errors.BadInputError` naming the option, the value and
what is allowed (the CLI shows it as one line, exit status 2).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from photodose.errors import BadInputError

__all__ = ["atomic_write", "check_output_dir", "check_output_path", "confined_output"]


def _suffix_list(suffixes: Iterable[str]) -> tuple[str, ...]:
    return tuple(s.lower() if s.startswith(".") else f".{s.lower()}" for s in suffixes)


def _check_folder(folder: Path, what: str, value: Path) -> None:
    if not folder.exists():
        raise BadInputError(what, str(value), f"the folder {str(folder)!r} does not exist")
    if not folder.is_dir():
        raise BadInputError(what, str(value), f"{str(folder)!r} is not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise BadInputError(what, str(value), f"the folder {str(folder)!r} is not writable")


def check_output_path(
    path: str | Path,
    suffixes: Iterable[str],
    *,
    force: bool = False,
    what: str = "--out",
    inputs: Iterable[str | Path] = (),
) -> Path:
    """Check that `path` may be written as an output file; return it as a Path.

    Refused: an empty name, a directory, a name not ending in one of `suffixes` (case
    insensitive; empty `suffixes` allows any), a folder that is missing, not a folder
    or not writable, an existing file unless `force`, and any of `inputs` (an input is
    never an output, even with `force`). Nothing is created: the check has no side
    effects. `what` names the option in the message (e.g. "--report").
    """
    allowed = _suffix_list(suffixes)
    text = str(path)
    if not text.strip():
        raise BadInputError(what, text, "give a file name")
    path = Path(path).expanduser()
    if path.is_dir() or text.endswith(("/", os.sep)):
        raise BadInputError(what, text, "is a folder; give a file name")
    if allowed and path.suffix.lower() not in allowed:
        raise BadInputError(what, text, f"use a file name ending in {' or '.join(allowed)}")
    _check_folder(path.parent if str(path.parent) else Path("."), what, path)
    resolved = path.resolve()
    for given in inputs:
        if Path(given).expanduser().resolve() == resolved:
            raise BadInputError(what, text, "is also an input file; choose another name")
    if path.exists() or path.is_symlink():
        if not path.is_file():
            raise BadInputError(what, text, "exists and is not a regular file")
        if not force:
            raise BadInputError(what, text, "exists; pass --force to overwrite it")
        if not os.access(path, os.W_OK):
            raise BadInputError(what, text, "exists and is read-only")
    return path


def check_output_dir(path: str | Path, *, what: str = "--outdir", may_create: bool = False) -> Path:
    """Check that `path` is a writable folder; return it as a Path.

    With `may_create`, a missing folder is accepted when its parent is an existing,
    writable folder (the caller creates it just before the first write, as `mkdir`
    would; a missing parent is more likely a typing error and is refused)."""
    text = str(path)
    if not text.strip():
        raise BadInputError(what, text, "give a folder")
    folder = Path(path).expanduser()
    if may_create and not folder.exists() and not folder.is_symlink():
        parent = folder.parent if str(folder.parent) else Path(".")
        _check_folder(parent, what, folder)
        return folder
    _check_folder(folder, what, folder)
    return folder


def confined_output(
    folder: str | Path,
    name: str,
    suffixes: Iterable[str] = (),
    *,
    force: bool = False,
    what: str = "output name",
    inputs: Iterable[str | Path] = (),
    make_folders: bool = False,
) -> Path:
    """`folder / name`, checked like `check_output_path`, and kept inside `folder`.

    For names that come from a file rather than from the user's command line (an .mci
    names its .mco files): an absolute name, a `..` part or a symbolic link leading out
    of `folder` is refused, so an input file cannot make photodose write elsewhere.
    Sub-folders inside `folder` must exist unless `make_folders` (then the caller
    creates them, just before writing)."""
    folder = Path(folder).expanduser()
    if not name or not name.strip():
        raise BadInputError(what, name, "give a file name")
    relative = Path(name)
    if relative.is_absolute() or relative.drive or name.startswith(("/", "\\", "~")):
        raise BadInputError(
            what, name, f"must be a name inside the output folder {str(folder)!r}, not absolute"
        )
    if ".." in relative.parts or ".." in Path(name.replace("\\", "/")).parts:
        raise BadInputError(
            what, name, f"must stay inside the output folder {str(folder)!r} (no '..')"
        )
    target = folder / relative
    root = folder.resolve()
    if not target.resolve().is_relative_to(root):
        raise BadInputError(
            what, name, f"leads out of the output folder {str(folder)!r} (a symbolic link)"
        )
    if make_folders:
        # Sub-folders may be missing (the caller creates them when it writes); what
        # exists of the path must be folders.
        existing = target.parent
        while not existing.exists() and existing != folder.parent:
            existing = existing.parent
        if existing.exists() and not existing.is_dir():
            raise BadInputError(what, name, f"{str(existing)!r} is not a folder")
        if not target.parent.exists():
            allowed = _suffix_list(suffixes)
            if allowed and target.suffix.lower() not in allowed:
                raise BadInputError(
                    what, name, f"use a file name ending in {' or '.join(allowed)}"
                )
            return target
    return check_output_path(target, suffixes, force=force, what=what, inputs=inputs)


@contextlib.contextmanager
def atomic_write(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path in `path`'s folder; rename it onto `path` on success.

    Write the whole output to the yielded path. If the block raises (or is interrupted),
    the temporary file is removed and `path` is untouched: no partial output. The
    rename is atomic on POSIX (same folder, same file system). The file is created
    with the usual permissions (0666 less the umask), not mkstemp's 0600.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    # The real suffix stays last: writers such as matplotlib pick the format from it.
    descriptor, name = tempfile.mkstemp(
        prefix=f".{path.stem}.", suffix=f".part{path.suffix}", dir=folder
    )
    os.close(descriptor)
    temporary = Path(name)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        yield temporary
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
