"""The 3-D model's view: the nerve dose rows and the slice of the fluence with the nerve
and the vessels outlined. From the plan's saved fields only (`plan.model_dose`); the
report draws it (photodose.report.figures.fluence_slice_svg)."""

from __future__ import annotations

from dataclasses import dataclass

from photodose.planning.model_dose import Outline
from photodose.planning.plan import Plan
from photodose.views.rows import Row, number

# The slice's colour scale spans this many decades below its largest value (deeper
# fluence is shown at the darkest colour).
SLICE_DECADES = 3.0
# A cell's minimum or 5th percentile is shown only when one cell's estimated relative
# error is below this: noisier cells bias both low by about their error (a choice).
CELL_SE_SHOWN = 0.2


@dataclass(frozen=True)
class SliceView:
    """What the slice figure shows: fluence (J/cm^2) at pixel centres [x][z], its colour
    range, the outlines, the layer boundaries inside the block, and the caption."""

    x_mm: tuple[float, ...]
    z_mm: tuple[float, ...]
    fluence_J_per_cm2: tuple[tuple[float, ...], ...]
    colour_min_J_per_cm2: float
    colour_max_J_per_cm2: float
    outlines: tuple[Outline, ...]
    layer_depths_mm: tuple[float, ...]
    title: str
    caption: str


def slice_view(plan: Plan) -> SliceView | None:
    """None for a plan without a 3-D dose (geometry 'layers', or a schema-1 plan)."""
    dose = plan.model_dose
    if dose is None:
        return None
    cut = dose.slice
    top = max((max(row) for row in cut.fluence_J_per_cm2), default=0.0)
    deepest = cut.z_mm[-1] + (cut.z_mm[1] - cut.z_mm[0]) / 2 if len(cut.z_mm) > 1 else 0.0
    boundaries = tuple(b for b in plan.site.boundaries_mm[1:] if b < deepest)
    names = ", ".join(dict.fromkeys(o.name for o in cut.outlines))
    return SliceView(
        x_mm=cut.x_mm, z_mm=cut.z_mm, fluence_J_per_cm2=cut.fluence_J_per_cm2,
        colour_min_J_per_cm2=top / 10.0**SLICE_DECADES if top > 0 else 1e-12,
        colour_max_J_per_cm2=top if top > 0 else 1.0,
        outlines=cut.outlines, layer_depths_mm=boundaries,
        title="Fluence in the 3-D model, across the nerve through the spot's centre",
        caption=(
            f"Fluence per spot (J/cm², {number(plan.power_W)} W for "
            f"{number(plan.time_per_spot_s)} s), averaged over {number(cut.y_band_mm)} mm "
            f"along the nerve; outlined: {names} (solid: the nerve; dashed red: vessels; "
            f"dashed white: layer boundaries). {dose.geometry}. "
            f"Source: {dose.source}."
        ),
    )  # fmt: skip


def model_dose_rows(plan: Plan) -> list[Row]:
    """The nerve dose in the 3-D model beside the layered estimate, labelled by geometry."""
    dose = plan.model_dose
    if dose is None:
        return []
    ratio = dose.mean_J_per_cm2 / dose.layered_J_per_cm2 if dose.layered_J_per_cm2 else 0.0
    window = plan.request.window
    cells = (f"over cells of {number(dose.cell_mm)} mm of its cross-section, averaged along "
             f"{number(dose.nerve_length_mm)} mm of nerve; each cell about ± "
             f"{100 * dose.cell_median_relative_se:.0f} % (noise biases this low)")  # fmt: skip
    if dose.cell_median_relative_se < CELL_SE_SHOWN:
        tails = [
            Row("Nerve fluence in 3-D, 5th percentile", number(dose.p5_J_per_cm2), "J/cm²",
                cells, "model_dose.p5_J_per_cm2", dose.p5_J_per_cm2),
            Row("Nerve fluence in 3-D, minimum", number(dose.minimum_J_per_cm2), "J/cm²",
                cells, "model_dose.minimum_J_per_cm2", dose.minimum_J_per_cm2),
        ]
    else:
        tails = [Row("Nerve fluence in 3-D, 5th percentile and minimum", "not resolved", "",
                     f"each cell of {number(dose.cell_mm)} mm is about ± "
                     f"{100 * dose.cell_median_relative_se:.0f} % at {dose.photons:,} photons: "
                     "too noisy to show")]  # fmt: skip
    difference = dose.mean_J_per_cm2 - dose.layered_J_per_cm2
    return [
        Row("Geometry", "3-D model", "", dose.geometry),
        Row("Nerve fluence in 3-D, mean over its voxels",
            f"{number(dose.mean_J_per_cm2)} ± {number(dose.mean_se_J_per_cm2, 2)}", "J/cm²",
            f"{window.classify(dose.mean_J_per_cm2).position} the window; ± one standard "
            f"error ({dose.photons:,} photons, seed {dose.seed}); {number(dose.nerve_length_mm)} "
            "mm of nerve centred under the spot", "model_dose.mean_J_per_cm2", dose.mean_J_per_cm2),
        *tails,
        Row("Nerve fluence rate in 3-D (mean)", number(dose.mean_fluence_rate_mW_per_cm2),
            "mW/cm²", "", "model_dose.mean_fluence_rate_mW_per_cm2",
            dose.mean_fluence_rate_mW_per_cm2),
        Row("Nerve fluence in the layered model (fast path)", number(dose.layered_J_per_cm2),
            "J/cm²", "cross-section mean on the beam's axis; the plan's search used it",
            "model_dose.layered_J_per_cm2", dose.layered_J_per_cm2),
        Row("3-D minus layered", f"{number(difference)} ({ratio:.2f} x)", "J/cm²",
            f"3-D / layered = {ratio:.2f}; ± {number(dose.mean_se_J_per_cm2, 2)} J/cm² from "
            "the 3-D run's noise"),
        Row("Light leaving the model's block by its sides and bottom",
            f"{100 * dose.lost_fraction:.1f}", "%", "not counted at the nerve"),
    ]  # fmt: skip
