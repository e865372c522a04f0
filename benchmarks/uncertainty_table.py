"""The nerve fluence's 90 % interval of one plan per shipped site, unmeasured and with the
nerve depth measured (docs/uncertainty.md, "One plan per site"): the figures issue 14's
closing note asks for, regenerated from the shipped sites and their uncertainty ranges.

    nice env PYTHONPATH=$PWD .venv/bin/python benchmarks/uncertainty_table.py [--samples N]
"""

from __future__ import annotations

import argparse

import photodose as pd
from photodose.planning.uncertainty import NerveUncertainty

# one device per site, as a clinic would pick it: the 890 nm pad under the sole, the
# 808 nm probe elsewhere
DEVICES = {"plantar-forefoot": "890nm-led-pad", "plantar-heel": "890nm-led-pad"}
DEFAULT_DEVICE = "808nm-laser-probe"


def _interval(u: NerveUncertainty) -> str:
    return f"{u.low_J_per_cm2:.2f}-{u.high_J_per_cm2:.2f} (x{u.factor:.1f})"


def _dominant(u: NerveUncertainty) -> str:
    share = next(s.share for s in u.shares if s.name == u.dominant_input)
    return f"{u.dominant_input} {share:.0%}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    options = {"uncertainty_samples": args.samples, "uncertainty_seed": args.seed}
    print("| site | device | plan (power x time per spot) | nominal J/cm2 | median "
          "| 90 % interval (end-to-end factor) | dominant input (share) "
          "| with the depth measured (SD 0.5 mm): interval, dominant |")
    print("|---|---|---|---|---|---|---|---|")
    for site in pd.list_sites():
        device = DEVICES.get(site, DEFAULT_DEVICE)
        plan = pd.plan(site, device, **options)
        u = plan.nerve_uncertainty
        assert u is not None
        measured = pd.plan(
            site, device, nerve_depth_measured_mm=plan.site.nerve.depth_mm, **options
        ).nerve_uncertainty
        assert measured is not None
        print(f"| {site} | {device} | {plan.power_W * 1e3:.0f} mW x {plan.time_per_spot_s:.0f} s "
              f"| {u.nominal_J_per_cm2:.2f} | {u.median_J_per_cm2:.2f} | {_interval(u)} "
              f"| {_dominant(u)} | {_interval(measured)}, {measured.dominant_input} |",
              flush=True)  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
