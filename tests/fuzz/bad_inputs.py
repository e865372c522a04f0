"""Hand-made bad inputs for every `photodose` command, and the files they refer to.

Each case is (argv, name): `name` is a piece of the user's input the one-line error must
quote (an option, a value or a file name). Paths are relative to the sandbox's `work/`
folder: inputs live in `../in/`, outputs may only go to `out/` (cli_runs.py).
"""

from __future__ import annotations

from pathlib import Path

GOOD_SPEC = """\
photons = 200
seed = 3
[grid]
nr = 10
nz = 10
[stack]
[[stack.layers]]
name = "slab"
thickness_mm = 0.2
tissue = { mua_per_mm = 1.0, mus_per_mm = 9.0, g = 0.75, n = 1.0 }
"""

MCI_HEADER = "1.0\n1\n"


def mci_run(name: str, layer: str = "1.0 10 90 0.75 0.02", photons: int = 100) -> str:
    return f"{MCI_HEADER}{name} A\n{photons}\n0.01 0.01\n5 5 1\n1\n1.0\n{layer}\n1.0\n"


GOOD_SITE_LAYER = """
[[layers]]
name = "dermis"
tissue = "dermis"
thickness_mm = 2.0
thickness_range_mm = [1.0, 3.0]
source = "ASSUMPTION: test"
"""


def site_file(name: str, composition: str = "") -> str:
    layer = GOOD_SITE_LAYER + (f"composition = {{ {composition} }}\n" if composition else "")
    return (
        f'name = "{name}"\ntitle = "test"\nregion = "wrist"\nsources = ["test"]\n'
        f"{layer}\n[nerve]\nname = \"n\"\ndepth_mm = 1.0\ndepth_range_mm = [0.5, 1.5]\n"
        'diameter_mm = 0.5\nsource = "ASSUMPTION: test"\n'
    )


def led_device(name: str, rows: int, cols: int, pitch_mm: float = 5.0) -> str:
    return (
        f'name = "{name}"\ntitle = "test pad"\nkind = "led_array"\nsource = "ASSUMPTION: test"\n'
        '[emission]\nkind = "led"\npeak_nm = 850.0\nfwhm_nm = 30.0\n'
        f"[led_array]\nrows = {rows}\ncols = {cols}\npitch_mm = {pitch_mm:g}\n"
        "element_power_W = 0.001\nhalf_angle_deg = 60.0\nstandoff_mm = 2.0\n"
    )


def make_inputs(folder: Path) -> None:
    """Write the input files the cases use into `folder` (the sandbox's `in/`)."""
    files: dict[str, str | bytes] = {
        "good.toml": GOOD_SPEC,
        "good.json": '{"photons": 200, "stack": {"layers": [{"name": "s", "thickness_mm": 0.2,'
        ' "tissue": {"mua_per_mm": 1, "mus_per_mm": 9, "g": 0.75, "n": 1}}]}}',
        "bom.toml": "\ufeff" + GOOD_SPEC,
        "binary.toml": bytes(range(256)) * 4,
        "latin1.toml": GOOD_SPEC.replace('"slab"', '"d\u00e9rme"').encode("latin-1"),
        "syntax.toml": GOOD_SPEC.replace("seed = 3", "seed = = 3"),
        "syntax.json": '{"photons": 200,, }',
        "spec.yaml": "photons: 200\n" + "x" * 5000,
        "spec": GOOD_SPEC,
        "empty.toml": "",
        "photons0.toml": GOOD_SPEC.replace("photons = 200", "photons = 0"),
        "photons-5.toml": GOOD_SPEC.replace("photons = 200", "photons = -5"),
        "seed2_64.toml": GOOD_SPEC.replace("seed = 3", f"seed = {2**64}"),
        "seed-1.toml": GOOD_SPEC.replace("seed = 3", "seed = -1"),
        "mua-1.toml": GOOD_SPEC.replace("mua_per_mm = 1.0", "mua_per_mm = -1.0"),
        "good.mci": mci_run("good.mco"),
        "escape.mci": mci_run("../escape.mco"),
        "absolute.mci": mci_run(str(folder.resolve() / "photodose-fuzz-absolute.mco")),
        "self.mci": mci_run("self.mci"),
        "deep.mci": mci_run("sub/../../../in/photodose-fuzz-deep.mco"),
        # MCML's convention for a semi-infinite medium: a 1e8 cm layer; mua = 0 makes
        # every photon scatter forever unless something stops it.
        "thick_clear.mci": mci_run("thick.mco", "1.0 0 100 0.9 1e8", photons=2000),
        "binary.mci": b"\x00\x01\x02\xff\xfe" * 100,
        "bom.mci": "\ufeff" + mci_run("bom.mco"),
        "g99999.toml": site_file("g99999", "g = 0.99999"),
        "binary-site.toml": b"\xff\xfe\x00\x00" * 50,
        "pad60.toml": led_device("pad60", 60, 60),
        "pad300.toml": led_device("pad300", 300, 300, pitch_mm=10.0),
        "patient-binary.toml": b"\x89PNG\r\n\x1a\n" + bytes(100),
    }
    for name, content in files.items():
        path = folder / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    (folder / "adir.toml").mkdir(exist_ok=True)
    (folder / "adir.mci").mkdir(exist_ok=True)
    (folder / "adir.mco").mkdir(exist_ok=True)
    for name, body in _bad_mco_bodies().items():
        (folder / name).write_text(body)


def _bad_mco_bodies() -> dict[str, str]:
    """Small .mco files with impossible totals (written by hand, format as MCML's)."""
    head = (
        "A1\nInParm\nout.mco A\n10\n0.01 0.01\n1 1 1\n1\n1.0\n1.0 10 90 0.75 0.02\n1.0\nRAT\n"
    )
    tail = "A_l\n0.5\nA_z\n0.5\nRd_r\n0.5\nRd_a\n0.5\nTt_r\n0.5\nTt_a\n0.5\nA_rz\n0.5\n"
    tail += "Rd_ra\n0.5\nTt_ra\n0.5\n"
    return {
        "inf.mco": head + "0.0\ninf\n0.5\n0.1\n" + tail,
        "negative.mco": head + "0.0\n-0.5\n0.5\n0.1\n" + tail,
        "nan.mco": head + "0.0\nnan\n0.5\n0.1\n" + tail,
        "toomuch.mco": head + "0.0\n3.0\n0.5\n0.1\n" + tail,
    }


IN = "../in/"
# (argv, a piece of the input the one-line error must quote)
CASES: list[tuple[list[str], str]] = [
    # --- simulate: spec files
    (["simulate", IN + "missing.toml"], "missing.toml"),
    (["simulate", IN + "adir.toml"], "adir.toml"),
    (["simulate", IN + "binary.toml"], "binary.toml"),
    (["simulate", IN + "latin1.toml"], "latin1.toml"),
    (["simulate", IN + "syntax.toml"], "syntax.toml"),
    (["simulate", IN + "syntax.json"], "syntax.json"),
    (["simulate", IN + "spec.yaml"], "spec.yaml"),
    (["simulate", IN + "spec"], "spec"),
    (["simulate", IN + "empty.toml"], "empty.toml"),
    (["simulate", IN + "photons0.toml"], "photons"),
    (["simulate", IN + "photons-5.toml"], "photons"),
    (["simulate", IN + "seed2_64.toml"], "seed"),
    (["simulate", IN + "seed-1.toml"], "seed"),
    (["simulate", IN + "mua-1.toml"], "mua_per_mm"),
    # --- simulate: options
    (["simulate", IN + "good.toml", "--photons", "0"], "--photons"),
    (["simulate", IN + "good.toml", "--photons", "-5"], "--photons"),
    (["simulate", IN + "good.toml", "--seed", str(2**64)], "--seed"),
    (["simulate", IN + "good.toml", "--seed", "-1"], "--seed"),
    (["simulate", IN + "good.toml", "--workers", "0"], "--workers"),
    (["simulate", IN + "good.toml", "--workers", "-3"], "--workers"),
    # --- simulate --out
    (["simulate", IN + "good.toml", "--out", "out"], "--out"),
    (["simulate", IN + "good.toml", "--out", "out/r.txt"], "--out"),
    (["simulate", IN + "good.toml", "--out", "nofolder/r.nc"], "--out"),
    (["simulate", IN + "good.toml", "--out", "../in/good.toml"], "--out"),
    (["simulate", IN + "good.toml", "--out", ""], "--out"),
    # --- mcml
    (["mcml", IN + "missing.mci"], "missing.mci"),
    (["mcml", IN + "adir.mci"], "adir.mci"),
    (["mcml", IN + "binary.mci"], "binary.mci"),
    (["mcml", IN + "escape.mci", "--outdir", "out"], "../escape.mco"),
    (["mcml", IN + "absolute.mci", "--outdir", "out"], "photodose-fuzz-absolute.mco"),
    (["mcml", IN + "deep.mci", "--outdir", "out"], "photodose-fuzz-deep.mco"),
    (["mcml", IN + "self.mci"], "self.mci"),
    (["mcml", IN + "good.mci", "--outdir", "nofolder/deeper"], "--outdir"),
    (["mcml", IN + "good.mci", "--outdir", IN + "good.toml"], "--outdir"),
    (["mcml", IN + "good.mci", "--outdir", "out", "--workers", "0"], "--workers"),
    (["mcml", IN + "good.mci", "--outdir", "out", "--seed", str(2**64)], "--seed"),
    (["mcml", IN + "good.mci", "--outdir", "out", "--seed", "-2"], "--seed"),
    # --- mcml-read
    (["mcml-read", IN + "missing.mco"], "missing.mco"),
    (["mcml-read", IN + "adir.mco"], "adir.mco"),
    (["mcml-read", IN + "binary.toml"], "binary.toml"),
    (["mcml-read", IN + "inf.mco"], "inf.mco"),
    (["mcml-read", IN + "negative.mco"], "negative.mco"),
    (["mcml-read", IN + "nan.mco"], "nan.mco"),
    (["mcml-read", IN + "toomuch.mco"], "toomuch.mco"),
    # --- optics
    (["optics", "dermis", "--wavelengths", "450:1100:0.005"], "--wavelengths"),
    (["optics", "dermis", "--wavelengths", "600:700:1e-9"], "--wavelengths"),
    (["optics", "dermis", "--wavelengths", "600:inf:10"], "--wavelengths"),
    (["optics", "dermis", "--wavelengths", "nan:700:10"], "--wavelengths"),
    (["optics", "dermis", "--wavelengths", "600:700:nan"], "--wavelengths"),
    (["optics", "dermis", "--wavelengths", "1e308:1e309:1"], "--wavelengths"),
    (["optics", "dermis", "--wavelengths", "600,inf"], "--wavelengths"),
    (["optics", "dermis", "--wavelengths", ""], "--wavelengths"),
    (["optics", "dermis", "--wavelengths", "10,20"], "--wavelengths"),
    (["optics", "dermis", "--plot", "out/p.jpg"], "--plot"),
    (["optics", "dermis", "--plot", "out"], "--plot"),
    (["optics", "dermis", "--plot", "nofolder/p.png"], "--plot"),
    (["optics", "nosuchtissue"], "nosuchtissue"),
    (["optics", "dermis", "--set", "blood_fraction=2"], "blood_fraction"),
    (["optics", "dermis", "--set", "nonsense"], "nonsense"),
    (["optics", "dermis", "--skin-type", "9"], "skin"),
    # --- sites / devices
    (["sites", "show", "nosuchsite"], "nosuchsite"),
    (["sites", "show", IN + "missing.toml"], "missing.toml"),
    (["sites", "show", IN + "adir.toml"], "adir.toml"),
    (["sites", "show", IN + "binary-site.toml"], "binary-site.toml"),
    (["sites", "show", IN + "syntax.toml"], "syntax.toml"),
    (["sites", "show", IN + "g99999.toml"], "g99999.toml"),
    (["sites", "show", "wrist-median", "--wavelength", "nan"], "wavelength"),
    (["sites", "show", "wrist-median", "--wavelength", "-5"], "wavelength"),
    (["sites", "show", "wrist-median", "--patient", IN + "patient-binary.toml"], "patient"),
    (["devices", "show", "nosuchdevice"], "nosuchdevice"),
    (["devices", "show", IN + "binary.toml"], "binary.toml"),
    (["devices", "show", IN + "spec.yaml"], "spec.yaml"),
    # --- plan
    (["plan", "--site", "wrist-median", "--device", "808nm-laser-probe", "--report",
      "out/r.txt"], "--report"),
    (["plan", "--site", "wrist-median", "--device", "808nm-laser-probe", "--report",
      "out"], "--report"),
    (["plan", "--site", "wrist-median", "--device", "808nm-laser-probe", "--report",
      "nofolder/r.html"], "--report"),
    (["plan", "--site", "wrist-median", "--device", "808nm-laser-probe", "--report",
      "out/r.html", "--json", "out/p.txt"], "--json"),
    (["plan", "--site", "wrist-median", "--device", "808nm-laser-probe", "--report",
      "out/r.html", "--json", "nofolder/p.json"], "--json"),
    (["plan", "--site", "wrist-median", "--device", "808nm-laser-probe", "--report",
      "out/r.html", "--pdf", "out/p.html"], "--pdf"),
    (["plan", "--site", "wrist-median", "--device", "808nm-laser-probe", "--report",
      "out/r.html", "--verify", "--photons", "1"], "--photons"),
    (["plan", "--site", "wrist-median", "--device", "808nm-laser-probe", "--report",
      "out/r.html", "--verify", "--photons", "0"], "--photons"),
    (["plan", "--site", "wrist-median", "--device", "808nm-laser-probe", "--report",
      "out/r.html", "--verify", "--photons", "1000", "--seed", str(2**64)], "--seed"),
    (["plan", "--site", IN + "g99999.toml", "--device", "808nm-laser-probe", "--report",
      "out/r.html"], "g99999.toml"),
    (["plan", "--site", "wrist-median", "--device", IN + "pad300.toml", "--report",
      "out/r.html"], "pad300"),
    (["plan", "--site", "wrist-median", "--device", "808nm-laser-probe", "--skin-type",
      "0", "--report", "out/r.html"], "skin"),
    (["plan", "--site", "wrist-median", "--device", "808nm-laser-probe", "--window",
      "10:1", "--report", "out/r.html"], "window"),
    (["plan", "--site", "wrist-median", "--device", "808nm-laser-probe", "--window",
      "nan:inf", "--report", "out/r.html"], "window"),
    (["plan", "--site", IN + "binary-site.toml", "--device", "808nm-laser-probe"],
     "binary-site.toml"),
]

# Valid inputs that must succeed, and quickly: exit 0, writes inside out/ only.
GOOD_CASES: list[list[str]] = [
    ["simulate", IN + "bom.toml", "--quiet"],
    ["simulate", IN + "good.json", "--quiet", "--out", "out/r.nc"],
    ["mcml", IN + "bom.mci", "--outdir", "out", "--quiet"],
    ["mcml", IN + "thick_clear.mci", "--outdir", "out", "--quiet"],
    ["devices", "show", IN + "pad60.toml"],
    ["simulate", IN + "good.toml", "--quiet", "--workers", "100000"],
    ["optics", "dermis", "--wavelengths", "600:1100:1", "--plot", "out/p.png"],
]
