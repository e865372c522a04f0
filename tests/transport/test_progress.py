"""Progress everywhere a run is long: pd.simulate(progress=True) from Python (tqdm.auto:
a text bar in a terminal, a widget in Jupyter), callbacks, and the CLI's bars with an ETA."""

from __future__ import annotations

import subprocess
import sys

import photodose as pd


def slab(photons: int = 2000) -> pd.Simulation:
    tissue = pd.OpticalProperties(mua_per_mm=1.0, mus_per_mm=9.0, g=0.75, n=1.0)
    stack = pd.TissueStack(layers=[pd.Layer(name="slab", thickness_mm=0.2, tissue=tissue)])
    return pd.Simulation(stack=stack, photons=photons, batches=8,
                         grid=pd.Grid(dr_mm=0.1, dz_mm=0.1, nr=5, nz=5))  # fmt: skip


def test_progress_true_draws_a_bar_and_changes_nothing(capsys):
    quiet = pd.simulate(slab())
    shown = pd.simulate(slab(), progress=True)
    bar = capsys.readouterr().err
    assert "photons" in bar and "100%" in bar and "2.00k/2.00k" in bar
    assert (quiet.fluence_rate_rz_per_mm2.values == shown.fluence_rate_rz_per_mm2.values).all()


def test_a_callback_sees_every_batch_up_to_the_total():
    seen: list[tuple[int, int]] = []
    pd.simulate(slab(), progress=lambda done, total: seen.append((done, total)))
    assert len(seen) == 8
    assert seen[-1] == (2000, 2000)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)


def test_the_bar_uses_tqdm_auto_so_jupyter_gets_a_widget():
    """tqdm.auto picks the notebook front end inside a Jupyter kernel; here (no kernel) it
    is the terminal bar. Checked in a fresh interpreter: the module photodose imports."""
    code = (
        "import sys, photodose as pd\n"
        "from photodose.transport.progress_bar import photon_bar\n"
        "with photon_bar('x', 10) as tick: tick(10, 10)\n"
        "print('tqdm.auto' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)  # fmt: skip
    assert done.stdout.strip() == "True", done.stderr


def test_plan_verify_shows_a_bar_with_an_eta(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "photodose.cli", "plan", "--site", "wrist-median", "--device",
         "808nm-laser-probe", "--verify", "--photons", "1500", "--report",
         str(tmp_path / "plan.html")],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Monte Carlo check of the nerve dose" in done.stderr
    assert "ETA" in done.stderr
    assert "ETA" not in done.stdout


def test_verify_plan_progress_counts_every_wavelength(capsys):
    plan = pd.plan("wrist-median", "890nm-led-pad", pd.Patient(skin_type=2))
    seen: list[tuple[int, int]] = []
    pd.verify_plan(plan, photons=1000, progress=lambda done, total: seen.append((done, total)))
    wavelengths = seen[-1][1] // 1000
    assert wavelengths >= 1 and seen[-1] == (1000 * wavelengths, 1000 * wavelengths)
    pd.verify_plan(plan, photons=1000, progress=True)
    assert "100%" in capsys.readouterr().err
