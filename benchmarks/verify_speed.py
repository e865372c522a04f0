"""Monte Carlo verification of plans: time to 2 % standard error at the nerve, old vs new.

For every shipped site x device pair, one plan (fast path), then in the same run:
- old: `verify_plan(plan, method="sampled")`, launch points sampled from the beam at
  every quadrature wavelength, `--old-photons` per wavelength; its standard error is the
  tallies' upper bound; the time to 2 % is extrapolated as t (SE / 2 %)^2 (the standard
  error falls as 1 / sqrt(photons));
- new: `verify_plan(plan)` (precise): a convolved pencil run at the peak wavelength,
  photons added until the batch standard error of the nerve dose is 2 %; its time and
  standard error as measured.
Target (issue 14): every pair at <= 2 % standard error in <= 10 s on 2 cores.
The load average is printed: the machine is shared, and timings scale with it.

    nice .venv/bin/python benchmarks/verify_speed.py [--old-photons N] [--pairs K]
"""

from __future__ import annotations

import argparse
import os
import time

import photodose as pd
from photodose.planning import verify_plan

TARGET_SE = 0.02
TARGET_S = 10.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old-photons", type=int, default=20_000)
    parser.add_argument("--pairs", type=int, default=0, help="only the first K pairs")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    pairs = [(s, d) for s in pd.list_sites() for d in pd.list_devices()]
    if args.pairs:
        pairs = pairs[: args.pairs]
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print("| site | device | old: SE at N | old: time to 2 % (extrapolated) "
          "| new: photons | new: SE | new: time | fast vs MC |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|")
    worst_new_s, worst_new_se, failed = 0.0, 0.0, []
    for site, device in pairs:
        plan = pd.plan(site, device)
        if plan.nerve_fluence_J_per_cm2 <= 0.0:
            print(f"| {site} | {device} | no light at the nerve | | | | | |")
            continue
        old = verify_plan(plan, photons=args.old_photons, seed=args.seed, method="sampled")
        old_se = old.relative_se or float("nan")
        old_to_target = old.elapsed_s * (old_se / TARGET_SE) ** 2
        started = time.perf_counter()
        new = verify_plan(plan, seed=args.seed)
        new_s = time.perf_counter() - started
        new_se = new.relative_se or float("nan")
        worst_new_s, worst_new_se = max(worst_new_s, new_s), max(worst_new_se, new_se)
        if new_s > TARGET_S or new_se > TARGET_SE:
            failed.append(f"{site} x {device}")
        print(f"| {site} | {device} | {old_se:.1%} at {old.photons:,} per wavelength "
              f"({old.elapsed_s:.1f} s) | {old_to_target:.0f} s | {new.photons:,} | "
              f"{new_se:.2%} | {new_s:.1f} s | {new.relative_error:+.1%} |",
              flush=True)  # fmt: skip
    print(f"\nload average at end: {os.getloadavg()[0]:.1f}")
    print(f"new method: worst time {worst_new_s:.1f} s, worst SE {worst_new_se:.2%}; "
          f"target <= {TARGET_SE:.0%} in <= {TARGET_S:g} s")  # fmt: skip
    if failed:
        print(f"over target ({len(failed)} of {len(pairs)}): {', '.join(failed)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
