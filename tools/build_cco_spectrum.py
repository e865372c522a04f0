"""Build photodose/dose/data/cco_action_spectrum.csv from the shared domain table (run by hand).

    .venv/bin/python tools/build_cco_spectrum.py [--source ../shared/domain/optics_data]

Reads the cytochrome c oxidase (aa3) near-infrared spectrum once, normalises it to 1 at
its maximum and writes it with '#' header lines naming the source, the units, what the
shape is (an absorption difference spectrum, not an action spectrum) and why it is the
default weighting. The package reads only the file written here; it never reads the
shared folder at run time.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

# shared/ lies beside the repository (the project layout, as in CI)
DEFAULT_SOURCE = Path(__file__).resolve().parents[2] / "shared" / "domain" / "optics_data"
TARGET = Path(__file__).resolve().parent.parent / "photodose" / "dose" / "data"
TARGET_FILE = "cco_action_spectrum.csv"
SOURCE_FILE = "cco_aa3_difference_homer.csv"


def read_table(path: Path) -> np.ndarray:
    """The numeric rows of a '#'-commented CSV with one header row."""
    lines = path.read_text(encoding="utf-8").splitlines()
    rows = [line for line in lines if line and not line.startswith("#")]
    return np.array([[float(v) for v in row.split(",")] for row in rows[1:]])


def build(source: Path) -> None:
    table = read_table(source / SOURCE_FILE)
    wavelength_nm, values = table[:, 0], table[:, 1]
    if not np.all(np.diff(wavelength_nm) == 1.0):
        raise ValueError(f"{SOURCE_FILE}: expected a 1 nm grid")
    peak = int(np.argmax(values))
    relative = values / values[peak]
    nir = wavelength_nm >= 780.0
    nir_peak = int(np.argmax(np.where(nir, relative, -np.inf)))
    header = [
        "Cytochrome c oxidase (cytochrome aa3) near-infrared absorption spectrum,"
        " oxidised-minus-reduced (redox difference),",
        "  650-950 nm, 1 nm steps: photodose's default weighting for 'CCO-weighted' doses.",
        "Units: dimensionless, RELATIVE shape only, normalised to 1 at its maximum over 650-950 nm"
        f" ({wavelength_nm[peak]:.0f} nm, the table's",
        f"  lower edge; the source value there is {values[peak]:.6g} in unlabelled units). The CuA"
        f" band has its local maximum at {wavelength_nm[nir_peak]:.0f} nm",
        f"  (relative value {relative[nir_peak]:.4f}). Absolute magnitudes carry no meaning here.",
        "Source: table vLambdaAA3 in GetExtinctions.m of the Homer NIRS toolbox (MGH/Harvard;"
        " revision log: 'Added extinction",
        "  coefficients for lipid and aa3', D. Boas, 2000); copy read in github BUNPC/ninjaGUI,"
        " GetExtinctions.m,",
        "  commit 34bd14889a60ad5372ba3afd4bef3ada34e8a4e6 (0.5 nm steps, no units given). The"
        " spectrum is of the type",
        "  characterised by S. Wray, M. Cope, D. T. Delpy, J. S. Wyatt, E. O. R. Reynolds (1988)"
        " Biochim Biophys Acta 933:184-192.",
        "CAVEAT: this is an ABSORPTION difference spectrum of the enzyme, NOT an action spectrum of"
        " a cellular response. Karu's",
        "  action spectra (T. Karu 1999 J Photochem Photobiol B 49:1; T. I. Karu & S. F. Kolyakov"
        " 2005 Photomed Laser Surg 23:355)",
        "  have peaks near 620, 680, 760 and 825 nm (ranges 613.5-623.5, 667.5-683.7, 750.7-772.3,"
        " 812.5-846.0 nm as usually quoted;",
        "  NOT verified against the paper), but no numeric spectrum (band heights and widths) was"
        " available, so Karu's peaks",
        "  appear here only as annotations (where the reported action bands lie), never as"
        " weights. Using this absorption shape as a",
        "  proxy for biological effectiveness is an ASSUMPTION: it ranks wavelengths by how"
        " strongly CCO absorbs, not by a measured",
        "  response, and it is undefined outside 650-950 nm.",
        f"Processing: the integer-nm points of the source table (as copied in the photodose shared"
        f" domain file {SOURCE_FILE})",
        "  divided by their maximum. Built by tools/build_cco_spectrum.py.",
    ]
    lines = [f"# {line}" for line in header]
    lines.append("wavelength_nm,cco_relative")
    lines += [f"{w:.0f},{v:.6f}" for w, v in zip(wavelength_nm, relative, strict=True)]
    (TARGET / TARGET_FILE).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {TARGET / TARGET_FILE} ({len(wavelength_nm)} rows)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    build(parser.parse_args().source)


if __name__ == "__main__":
    main()
