"""Time a plan with the site's 3-D model (issue 20): cold (empty cache), warm (cached
per-watt result) and the default layered plan, for the two sites that carry a model.
Prints wall and CPU seconds and the 3-D nerve dose beside the layered one.

    flock /tmp/bench.lock nice python benchmarks/site_model_plan.py
"""

from __future__ import annotations

import os
import tempfile
import time

import photodose as pd

CASES = (("medial-ankle-tibial", "808nm-laser-probe"), ("plantar-forefoot", "890nm-led-pad"))


def main() -> None:
    print("load", open("/proc/loadavg").read().strip())
    with tempfile.TemporaryDirectory() as cache:
        os.environ["PHOTODOSE_CACHE_DIR"] = cache  # cold: nothing cached
        for site, device in CASES:
            for label in ("cold", "warm"):
                wall, cpu = time.perf_counter(), time.process_time()
                dose = pd.plan(site, device, geometry="3d").model_dose
                assert dose is not None
                print(f"{site} {label} 3-D: wall {time.perf_counter() - wall:.1f} s, cpu "
                      f"{time.process_time() - cpu:.1f} s; nerve {dose.mean_J_per_cm2:.3g} +- "
                      f"{dose.mean_se_J_per_cm2:.2g} J/cm2, layered "
                      f"{dose.layered_J_per_cm2:.3g}, ratio "
                      f"{dose.mean_J_per_cm2 / dose.layered_J_per_cm2:.2f}, lost "
                      f"{dose.lost_fraction:.2f}", flush=True)  # fmt: skip
            wall, cpu = time.perf_counter(), time.process_time()
            pd.plan(site, device)
            print(f"{site} layers: wall {time.perf_counter() - wall:.1f} s, cpu "
                  f"{time.process_time() - cpu:.1f} s", flush=True)  # fmt: skip
    print("load", open("/proc/loadavg").read().strip())


if __name__ == "__main__":
    main()
