"""Build photodose/optics/data/*.csv from the shared domain tables (run by hand, not at import).

    .venv/bin/python tools/build_optics_data.py [--source ../shared/domain/optics_data]

Reads the source CSVs once, converts them to 1/mm, resamples them with monotone cubic
(PCHIP) interpolation onto one grid, 450-1100 nm in 1 nm steps, and writes one file per
chromophore with '#' header lines naming the source, the citation, the units and every
processing step. The package reads only the files written here; it never reads the
shared folder at run time.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from scipy.interpolate import PchipInterpolator

# shared/ lies beside the repository (the project layout, as in CI)
DEFAULT_SOURCE = Path(__file__).resolve().parents[2] / "shared" / "domain" / "optics_data"
TARGET = Path(__file__).resolve().parent.parent / "photodose" / "optics" / "data"
GRID_NM = np.arange(450.0, 1100.0 + 0.5, 1.0)

# Whole blood convention of Prahl (OMLC, 'Optical absorption of hemoglobin'): 150 g Hb per
# litre of blood and 64,500 g/mol per tetramer. Jacques 2013 (Phys Med Biol 58:R37, section
# 5.1) uses the same 150 g/L with 64,458 g/mol; the 0.07 % difference is far below the
# spread of the data.
HB_G_PER_L = 150.0
HB_G_PER_MOL = 64500.0
# Prahl ends at 1000 nm; above it the shape of Bosschaart et al 2014 is used (see header).
PRAHL_END_NM = 1000.0
# The Bosschaart compilation changes literature source between 1000 and 1005 nm (the deoxy
# column steps from 2.2 to 3.1 1/cm there): its block above the join starts at 1005 nm, and
# that first point is identified with Prahl's last one (1000 nm), a 5 nm offset.
BOSSCHAART_FIRST_ABOVE_NM = 1005.0
# van Veen 2005 ends at 1098 nm: extend with the straight line fitted to its last 10 nm.
FAT_FIT_WINDOW_NM = 10.0


def read_table(path: Path) -> tuple[list[str], np.ndarray]:
    """The '#' header lines and the numeric columns of one source CSV."""
    lines = path.read_text(encoding="utf-8").splitlines()
    header = [line[1:].strip() for line in lines if line.startswith("#")]
    rows = [line for line in lines if line and not line.startswith("#")]
    data = np.array([[float(v) for v in row.split(",")] for row in rows[1:]])
    return header, data


def pchip_on_grid(wavelength_nm: np.ndarray, values: np.ndarray) -> np.ndarray:
    return PchipInterpolator(wavelength_nm, values, extrapolate=False)(GRID_NM)


def write_table(
    name: str, header: Sequence[str], columns: dict[str, np.ndarray], digits: int = 6
) -> None:
    out = TARGET / name
    lines = [f"# {line}" for line in header]
    lines.append(",".join(["wavelength_nm", *columns]))
    for i, wavelength in enumerate(GRID_NM):
        values = [f"{columns[key][i]:.{digits}g}" for key in columns]
        lines.append(",".join([f"{wavelength:.0f}", *values]))
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {out} ({len(GRID_NM)} rows)")


def build_hemoglobin(source: Path) -> None:
    _, prahl = read_table(source / "hemoglobin_prahl.csv")
    _, bosschaart = read_table(source / "blood_bosschaart2014.csv")
    per_cm_per_eps = np.log(10.0) * HB_G_PER_L / HB_G_PER_MOL
    keep = (prahl[:, 0] >= GRID_NM[0] - 10) & (prahl[:, 0] <= PRAHL_END_NM)
    nm_prahl = prahl[keep, 0]
    oxy_prahl = prahl[keep, 1] * per_cm_per_eps / 10.0  # 1/cm -> 1/mm
    deoxy_prahl = prahl[keep, 2] * per_cm_per_eps / 10.0
    above = bosschaart[:, 0] >= BOSSCHAART_FIRST_ABOVE_NM
    # Bosschaart's shape relative to its first point above the join, carried on from
    # Prahl's 1000 nm value: the spectrum continues without a step. The anchor point itself
    # stands at 1000 nm, so the block is used from its second point (1010 nm) on.
    scale_oxy = oxy_prahl[-1] / (bosschaart[above, 1][0] / 10.0)
    scale_deoxy = deoxy_prahl[-1] / (bosschaart[above, 2][0] / 10.0)
    nm_b = bosschaart[above, 0][1:]
    oxy_b = bosschaart[above, 1][1:] / 10.0 * scale_oxy
    deoxy_b = bosschaart[above, 2][1:] / 10.0 * scale_deoxy
    nm = np.concatenate([nm_prahl, nm_b])
    oxy = pchip_on_grid(nm, np.concatenate([oxy_prahl, oxy_b]))
    deoxy = pchip_on_grid(nm, np.concatenate([deoxy_prahl, deoxy_b]))
    header = [
        "Absorption coefficient of whole blood, fully oxygenated (oxy) and fully deoxygenated"
        " (deoxy), 150 g/L hemoglobin.",
        "Units: mua in 1/mm (natural-log absorption coefficient); wavelength in nm (in air).",
        "450-1000 nm: S. Prahl (1999, OMLC), 'Tabulated molar extinction coefficient for"
        " hemoglobin in water',",
        "  compiled from W. B. Gratzer (Med Res Council Labs) and N. Kollias (Wellman Labs),"
        " https://omlc.org/spectra/hemoglobin/summary.html;",
        "  decadic molar extinction e (1/cm per mol/L of tetramer), converted as"
        f" mua = ln(10) * e * {HB_G_PER_L:g} g/L / {HB_G_PER_MOL:g} g/mol, then /10 for 1/mm.",
        "1001-1100 nm: Prahl's table stops at 1000 nm. Filled with the SHAPE of the whole-blood"
        " literature compilation of",
        "  N. Bosschaart, G. J. Edelman, M. C. G. Aalders, T. G. van Leeuwen, D. J. Faber"
        " (2014) Lasers Med Sci 29:453-479,",
        "  doi:10.1007/s10103-013-1446-7 (oxy: SO2 > 98 %, deoxy: SO2 = 0; 1005-1100 nm, 5 nm"
        " steps), scaled so that its",
        f"  1005 nm value equals Prahl's 1000 nm value (scale factors {scale_oxy:.3f} oxy,"
        f" {scale_deoxy:.3f} deoxy); that anchor is",
        "  placed at 1000 nm and the scaled points are used from 1010 nm on (a 5 nm offset)."
        " The compilation changes",
        "  literature source between 1000 and 1005 nm (its deoxy column steps 2.2 -> 3.1 1/cm),"
        " so its own 1000 nm point",
        "  is not used. Bosschaart's values include the water of whole blood (about 5-10 % of mua",
        "  above 1000 nm); not removed. Treat 1000-1100 nm as less certain than 450-1000 nm.",
        "Processing: the joined points (Prahl 2 nm, Bosschaart 5 nm) resampled to a 1 nm"
        " grid by PCHIP (monotone cubic)",
        "  interpolation; no extrapolation. Built by tools/build_optics_data.py from"
        " the photodose shared domain tables.",
    ]
    write_table("hemoglobin.csv", header, {"mua_oxy_per_mm": oxy, "mua_deoxy_per_mm": deoxy})


def build_water(source: Path) -> None:
    _, water = read_table(source / "water_segelstein1981.csv")
    mua = pchip_on_grid(water[:, 0], water[:, 1] / 10.0)
    header = [
        "Absorption coefficient of pure water at room temperature (about 22-25 C).",
        "Units: mua in 1/mm (natural-log absorption coefficient, mua = 4 pi k / lambda);"
        " wavelength in nm.",
        "Source: D. J. Segelstein (1981) 'The complex refractive index of water', M.S. thesis,"
        " University of Missouri-Kansas City;",
        "  tabulated by S. Prahl (OMLC), https://omlc.org/spectra/water/abs/index.html"
        " (native spacing 2-10 nm here).",
        "Cross-check: Hale & Querry (1973) Appl Opt 12:555 give 0.45 1/cm at 970-975 nm, as"
        " does Jacques 2013 Phys Med Biol",
        "  58:R37 section 5 (n'' = 3.47e-6 at 970 nm).",
        "Processing: 1/cm -> 1/mm (/10); resampled from the native points to a 1 nm grid by"
        " PCHIP (monotone cubic)",
        "  interpolation; no extrapolation. Built by tools/build_optics_data.py.",
    ]
    write_table("water.csv", header, {"mua_water_per_mm": mua})


def build_fat(source: Path) -> None:
    _, fat = read_table(source / "fat_vanveen2005.csv")
    nm, mua = fat[:, 0], fat[:, 1] / 1000.0  # 1/m -> 1/mm
    last = nm[-1]
    window = nm >= last - FAT_FIT_WINDOW_NM
    slope = np.polyfit(nm[window], mua[window], 1)[0]
    extra_nm = np.arange(last + 1.0, GRID_NM[-1] + 0.5, 1.0)
    # the fitted slope, continued from the last measured point (no step at 1098 nm)
    nm = np.concatenate([nm, extra_nm])
    mua = np.concatenate([mua, mua[-1] + slope * (extra_nm - last)])
    header = [
        "Absorption coefficient of purified, dehydrated mammalian (porcine) fat / lard.",
        "Units: mua in 1/mm (natural-log absorption coefficient); wavelength in nm.",
        "Source: R. L. P. van Veen, H. J. C. M. Sterenborg, A. Pifferi, A. Torricelli,"
        " E. Chikoidze, R. Cubeddu (2005)",
        "  'Determination of visible near-IR absorption coefficients of mammalian fat using"
        " time- and spatially resolved",
        "  diffuse reflectance and transmission spectroscopy', J Biomed Opt 10:054004,"
        " doi:10.1117/1.2085149;",
        "  tabulated at https://omlc.org/spectra/fat/ (429-1098 nm, 1 nm, in 1/m).",
        "Processing: 1/m -> 1/mm (/1000). The source stops at 1098 nm: 1099 and 1100 nm"
        " continue from the 1098 nm value",
        f"  along the least-squares slope of the last {FAT_FIT_WINDOW_NM:g} nm of the source"
        f" ({slope:.3e} 1/mm per nm). Resampled to",
        "  the 1 nm grid by PCHIP (the native points already lie on it). Built by"
        " tools/build_optics_data.py.",
    ]
    write_table("fat.csv", header, {"mua_fat_per_mm": pchip_on_grid(nm, mua)})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    args = parser.parse_args()
    TARGET.mkdir(parents=True, exist_ok=True)
    build_hemoglobin(args.source)
    build_water(args.source)
    build_fat(args.source)


if __name__ == "__main__":
    main()
