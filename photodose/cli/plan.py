"""`photodose plan`: plan a treatment, print it, write the HTML report (and the plan JSON)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

if TYPE_CHECKING:  # the library is imported inside the commands: --help stays fast
    from rich.console import Console
    from rich.table import Table

    from photodose.dose.window import DoseWindow
    from photodose.planning import Plan, PlanRequest, Verification
    from photodose.safety.contraindications import ScreeningInput
    from photodose.views.rows import Row

REPORT_DIR = Path("out")
T = TypeVar("T")

# CLI option -> (spec, field) of the Python API whose default applies when the option is
# not given: the CLI passes only what the user gave, so every default is the API's. The
# help texts state these defaults in words; tests check each against the API.
API_DEFAULTS: dict[str, tuple[str, str]] = {
    "skin_type": ("Patient", "skin_type"),
    "fat_mm": ("Patient", "subcutaneous_fat_mm"),
    "diabetic": ("Patient", "diabetic"),
    "insensate": ("Patient", "insensate_feet"),
    "atrophy": ("Patient", "plantar_atrophy"),
    "callus_mm": ("Patient", "callus_mm"),
    "nerve_depth_mm": ("Patient", "nerve_depth_mm"),
    "aim": ("PlanRequest", "aim_J_per_cm2"),
    "max_time_per_spot": ("PlanRequest", "max_time_per_spot_s"),
    "length_mm": ("PlanRequest", "treatment_length_mm"),
    "sessions_per_week": ("PlanRequest", "sessions_per_week"),
    "weeks": ("PlanRequest", "weeks"),
    "margin_k": ("PlanRequest", "temperature_margin_K"),
    "skin_start_c": ("PlanRequest", "skin_start_C"),
    "geometry": ("PlanRequest", "geometry"),
}
# Screening flags for --screen: CLI spelling of every boolean fact of ScreeningInput
# (a test checks the list against the spec).
SCREENING_FACTS: tuple[str, ...] = (
    "pregnant", "abdomen-pelvis-or-low-back-in-field", "malignancy-in-or-near-field",
    "eyes-in-field", "thyroid-in-field", "recent-photosensitiser", "active-bleeding-in-field",
    "implanted-electronic-device-in-field", "tattoo-in-field", "peripheral-arterial-disease",
    "open-wound-in-field", "open-epiphyses-in-field", "photosensitive-epilepsy",
)  # fmt: skip
DRUG_CLASSES = (
    "tetracyclines, fluoroquinolones_and_quinolones, thiazide_diuretics, amiodarone, "
    "phenothiazines, nsaids_propionic_or_oxicam, voriconazole, vemurafenib, psoralens, other"
)


# Options that `plan` and `check` share, declared once (Typer reads the Annotated aliases).
SiteOption = Annotated[str, typer.Option("--site",
                                         help="site name (photodose sites) or a .toml/.json file")]
DeviceOption = Annotated[str, typer.Option(
    "--device", help="device name (photodose devices) or a .toml/.json file")]
SkinTypeOption = Annotated[int | None, typer.Option(
    "--skin-type", help="Fitzpatrick skin type 1-6 (not given: 2, marked as defaulted)")]
FatOption = Annotated[float | None, typer.Option(
    "--fat-mm", help="measured subcutaneous fat at the site, mm (not plantar sites; "
    "default: the site's)")]
NerveDepthOption = Annotated[float | None, typer.Option(
    "--nerve-depth-mm", help="measured depth skin -> nerve centre (ultrasound), mm "
    "(default: the site's)")]
DiabeticOption = Annotated[bool | None, typer.Option(
    "--diabetic/--not-diabetic", help="halves perfusion in the heat model (not given: not "
    "diabetic, marked as defaulted)")]
InsensateOption = Annotated[bool | None, typer.Option(
    "--insensate/--sensate", help="insensate skin: 41 C limit instead of 43 C (not given: "
    "insensate, the cautious choice for neuropathy)")]
AtrophyOption = Annotated[bool | None, typer.Option(
    "--atrophy", help="neuropathic thinning of the forefoot pad (plantar forefoot only)")]
CallusOption = Annotated[float | None, typer.Option(
    "--callus-mm", help="plantar callus thickness, mm (plantar sites only)")]
WindowOption = Annotated[str | None, typer.Option(
    "--window", help="reporting band at the nerve, LOWER:UPPER J/cm^2 (an assumption; "
    "default 1:10)")]
SessionsOption = Annotated[int | None, typer.Option(
    "--sessions-per-week", help="sessions per week (default 3)")]
WeeksOption = Annotated[int | None, typer.Option("--weeks", help="weeks of treatment (default 4)")]
SamplesOption = Annotated[int, typer.Option(
    "--samples", help="samples for the nerve dose's 90 % interval (0: none)")]
SkinTypeUnknownOption = Annotated[bool, typer.Option(
    "--skin-type-unknown", help="sample the skin type over I-VI")]
GeometryOption = Annotated[str | None, typer.Option(
    "--geometry", help="where the nerve dose is computed: '3d' (also in the site's 3-D model "
    "of nerve and vessels, one cached voxel run, seconds to tens of seconds when not cached) "
    "or 'layers' (default: layers)")]

def register(app: typer.Typer) -> None:
    app.command("plan")(plan_command)


def plan_command(
    site: SiteOption,
    device: DeviceOption,
    skin_type: SkinTypeOption = None,
    fat_mm: FatOption = None,
    nerve_depth_mm: NerveDepthOption = None,
    diabetic: DiabeticOption = None,
    insensate: InsensateOption = None,
    atrophy: AtrophyOption = None,
    callus_mm: CallusOption = None,
    window: WindowOption = None,
    aim: Annotated[
        float | None,
        typer.Option(help="fluence to aim for at the nerve, J/cm^2 (default: geometric mean)"),
    ] = None,
    max_time_per_spot: Annotated[
        float | None,
        typer.Option(help="longest time per spot, s (default 1200)"),
    ] = None,
    length_mm: Annotated[
        float | None,
        typer.Option(help="length of nerve to cover, mm (default 30)"),
    ] = None,
    sessions_per_week: SessionsOption = None,
    weeks: WeeksOption = None,
    like: Annotated[
        str | None,
        typer.Option(help="aim at the nerve dose this published protocol delivers here "
                     "(photodose protocols)"),
    ] = None,
    samples: SamplesOption = 128,
    skin_type_unknown: SkinTypeUnknownOption = False,
    geometry: GeometryOption = None,
    margin_k: Annotated[
        float | None,
        typer.Option("--margin-K", help="plan this many kelvin below the skin limit "
                     "(default 0)"),
    ] = None,
    skin_start_c: Annotated[
        float | None,
        typer.Option("--skin-start-C", help="measured skin temperature before treatment, C "
                     "(feet: often 27-35 C; default: the model's resting temperature)"),
    ] = None,
    skin_boundary: Annotated[
        str,
        typer.Option(help="thermal boundary at the skin: 'air' (bare skin in room air) or "
                     "'contact' (applicator on the skin: give --contact-C and "
                     "--contact-conductance)"),
    ] = "air",
    contact_c: Annotated[
        float | None, typer.Option("--contact-C", help="applicator face temperature, C")
    ] = None,
    contact_conductance: Annotated[
        float | None,
        typer.Option(help="skin-applicator heat transfer coefficient, W/(m^2 K), from the "
                     "maker or a measurement"),
    ] = None,
    screening: Annotated[
        Path | None,
        typer.Option(help="screening facts file (.toml/.json, fields as in docs/safety.md)"),
    ] = None,
    screen: Annotated[
        list[str] | None,
        typer.Option(help="a screening fact that is present (repeat): "
                     + ", ".join(SCREENING_FACTS)),
    ] = None,
    pregnant: Annotated[bool, typer.Option("--pregnant", help="screening: pregnant")] = False,
    malignancy: Annotated[
        bool, typer.Option("--malignancy-in-field", help="screening: malignancy in/near field")
    ] = False,
    drug: Annotated[
        list[str] | None,
        typer.Option("--photosensitising-drug",
                     help="screening: a photosensitising drug class taken (repeat): "
                     + DRUG_CLASSES),
    ] = None,
    pad: Annotated[
        bool, typer.Option("--pad", help="screening: peripheral arterial disease")
    ] = False,
    implant: Annotated[
        bool, typer.Option("--implant-in-field", help="screening: implanted electronic device")
    ] = False,
    screened: Annotated[
        bool,
        typer.Option("--screened", help="screening done and none of the facts is present "
                     "(without it and without facts the plan says 'not screened')"),
    ] = False,
    verify: Annotated[
        bool, typer.Option("--verify", help="re-check the nerve dose by Monte Carlo")
    ] = False,
    photons: Annotated[
        int | None,
        typer.Option(help="photons for --verify (default: as many as 2 % standard error needs)"),
    ] = None,
    seed: Annotated[int, typer.Option(help="seed for --verify")] = 1,
    report: Annotated[
        Path | None,
        typer.Option(help="report path, .html or .pdf (default out/plan-<site>-<device>-"
                     "<date>.html, numbered, never overwritten)"),
    ] = None,
    paper: Annotated[
        str, typer.Option(help="paper size of the printed report: A4 or Letter")
    ] = "A4",
    overwrite: Annotated[
        bool, typer.Option("--force", help="replace an existing --report/--pdf file")
    ] = False,
    json: Annotated[Path | None, typer.Option(help="also save the plan as JSON here")] = None,
    pdf: Annotated[
        Path | None, typer.Option(help="also print the report to this PDF (needs Chromium)")
    ] = None,
) -> None:
    """Plan a treatment: power and time per spot, spots, sessions; doses, heating, checks."""
    given = dict(locals())
    from photodose.cli.gc_pause import collector_paused

    with collector_paused():  # the library loads faster without collections
        from rich.console import Console
        from rich.markup import escape

        from photodose.cli import fail
        from photodose.cli.dask_check import defer_dask_array_import
        from photodose.cli.progress import photon_progress
        from photodose.errors import BadInputError
        from photodose.io.output_path import atomic_write, check_output_dir, check_output_path
        from photodose.planning import plan_request, verify_plan
        from photodose.planning.verify import FIRST_ROUND_PHOTONS, check_verify_photons
        from photodose.report import write_plan_report
        from photodose.report.pdf import find_chromium
        from photodose.specs.simulation import check_seed

    defer_dask_array_import()  # a plan makes no dask array: start-up without it
    patient = {
        API_DEFAULTS[option][1]: given[option]
        for option in ("skin_type", "fat_mm", "diabetic", "insensate", "atrophy", "callus_mm",
                       "nerve_depth_mm")
        if given[option] is not None
    }  # fmt: skip
    options = {
        API_DEFAULTS[option][1]: given[option]
        for option in ("aim", "max_time_per_spot", "length_mm", "sessions_per_week", "weeks",
                       "margin_k", "skin_start_c", "geometry")
        if given[option] is not None
    }  # fmt: skip
    facts = _screening(screening, screen or [], drug or [],
                       {"pregnant": pregnant, "malignancy_in_or_near_field": malignancy,
                        "peripheral_arterial_disease": pad,
                        "implanted_electronic_device_in_field": implant}, screened)  # fmt: skip
    request = _request(
        site=site,
        device=device,
        patient=patient,
        screening=facts,
        window=window,
        thermal=_thermal(skin_boundary, contact_c, contact_conductance),
        options=options | {"like_protocol": like,
                           **uncertainty_options(samples, None, skin_type_unknown)},
    )
    if verify:
        if photons is not None:
            check_verify_photons(photons, "--photons")
        check_seed(seed, "--seed")
    # Every output path is checked before the work, each file is written whole or not at
    # all, and an earlier file is replaced only with --force (default report names
    # carry the site, the device and the date, numbered so they never collide).
    if report is None:
        folder = check_output_dir(REPORT_DIR, what="default report folder", may_create=True)
        report_path = free_report_path(folder, request.site.name, request.device.name)
    else:
        report_path = check_output_path(report, (".html", ".htm", ".pdf"), force=overwrite,
                                        what="--report")  # fmt: skip
    outputs = {report_path.resolve(): "--report"}
    for option, given_path, suffixes, force in (("--json", json, (".json",), True),
                                                ("--pdf", pdf, (".pdf",), overwrite)):
        if given_path is not None:
            checked = check_output_path(given_path, suffixes, force=force, what=option)
            if checked.resolve() in outputs:
                raise BadInputError(option, str(given_path),
                                    f"is also the {outputs[checked.resolve()]} file")
            outputs[checked.resolve()] = option
    if paper.lower() not in ("a4", "letter"):
        raise BadInputError("--paper", paper, "one of: A4, Letter")
    wants_pdf = pdf is not None or report_path.suffix.lower() == ".pdf"
    if wants_pdf and find_chromium() is None:
        fail("a PDF needs Chromium, none found on PATH (Debian: apt-get install chromium); "
             "give a .html report instead")  # fmt: skip
    console = Console()
    with model_progress(request) as tick:
        result = _one_line(lambda: plan_request(request, progress=tick))
    check = None
    if verify:
        # a precise check learns its photon total as it goes (the bar's total follows)
        with photon_progress("Monte Carlo check of the nerve dose",
                             photons or FIRST_ROUND_PHOTONS) as tick:  # fmt: skip
            check = verify_plan(result, photons=photons, seed=seed, progress=tick)
    print_plan(console, result, check)
    report_path.parent.mkdir(exist_ok=True)
    if report_path.suffix.lower() == ".pdf":
        _pdf(result, report_path, check, paper)
    else:
        with atomic_write(report_path) as temporary:
            write_plan_report(result, temporary, verification=check, paper=paper)
    console.print(f"report written to {escape(str(report_path))}")
    if json is not None:
        with atomic_write(json) as temporary:
            temporary.write_text(result.to_json(), encoding="utf-8")
        console.print(f"plan saved to {escape(str(json))}")
    if pdf is not None:
        console.print(f"PDF written to {escape(str(_pdf(result, pdf, check, paper)))}")


@contextmanager
def model_progress(request: PlanRequest) -> Iterator[Callable[[int, int], None] | None]:
    """A photon bar for the 3-D model's voxel run when the plan needs one (it starts on
    the first photons: a cached result shows no bar)."""
    from photodose.cli.progress import photon_progress

    if request.resolved_geometry != "3d" or request.site.model is None:
        yield None
        return
    stack = ExitStack()
    state: dict[str, Callable[[int, int], None]] = {}

    def tick(done: int, total: int) -> None:
        if "bar" not in state:
            if done >= total:
                return  # read from the cache: nothing to show
            state["bar"] = stack.enter_context(photon_progress("3-D model (voxel Monte Carlo)",
                                                               total))  # fmt: skip
        state["bar"](done, total)

    with stack:
        yield tick


def _pdf(result: Plan, path: Path, check: Verification | None, paper: str = "A4") -> Path:
    from photodose.cli import fail
    from photodose.io.output_path import atomic_write
    from photodose.report import write_plan_pdf

    try:
        with atomic_write(path) as temporary:
            write_plan_pdf(result, temporary, verification=check, paper=paper)
    except (RuntimeError, FileNotFoundError) as error:
        fail(str(error))
    return path


def free_report_path(folder: Path, site: str, device: str, suffix: str = ".html") -> Path:
    """out/plan-<site>-<device>-<date><suffix>, numbered -2, -3 ... so that an earlier
    report is never overwritten."""
    stem = f"plan-{site}-{device}-{date.today().isoformat()}"
    path = folder / f"{stem}{suffix}"
    number_ = 2
    while path.exists():
        path = folder / f"{stem}-{number_}{suffix}"
        number_ += 1
    return path


def _screening(
    path: Path | None, facts: list[str], drugs: list[str], flags: dict[str, bool],
    screened: bool,
) -> ScreeningInput | None:  # fmt: skip
    """The screening facts from a file and flags; None when nothing says screening was done."""
    from photodose.errors import BadInputError
    from photodose.safety.contraindications import ScreeningInput

    fields: dict[str, Any] = {}
    if path is not None:
        loaded = _one_line(lambda: ScreeningInput.load(path), f"screening = {str(path)!r}")
        fields = loaded.model_dump()
    for fact in facts:
        spelled = fact.replace("_", "-")
        if spelled not in SCREENING_FACTS:
            raise BadInputError("--screen", fact, "known facts: " + ", ".join(SCREENING_FACTS))
        fields[spelled.replace("-", "_")] = True
    fields |= {name: True for name, on in flags.items() if on}
    if drugs:
        fields["photosensitising_drugs"] = tuple(fields.get("photosensitising_drugs", ())) + tuple(
            drugs
        )
    if not fields and not screened:
        return None
    return _one_line(lambda: ScreeningInput(**fields), "screening")


def _thermal(boundary: str, contact_c: float | None, conductance: float | None) -> Any:
    """None (the API's default: bare skin in room air) or conditions with a contact face."""
    from photodose.errors import BadInputError

    if boundary == "air":
        if contact_c is not None or conductance is not None:
            raise BadInputError("--contact-C/--contact-conductance", "given",
                                "only with --skin-boundary contact")  # fmt: skip
        return None
    if boundary != "contact":
        raise BadInputError("--skin-boundary", boundary, "one of: air, contact")
    if contact_c is None or conductance is None:
        raise BadInputError("--skin-boundary", "contact",
                            "needs --contact-C and --contact-conductance (from the maker "
                            "or a measurement; there is no default)")  # fmt: skip
    return {"contact_C": contact_c, "conductance": conductance}


def uncertainty_options(samples: int, depth_mm: float | None,
                        skin_type_unknown: bool) -> dict[str, Any]:  # fmt: skip
    """The request fields of the nerve-dose interval options (shared with `check`)."""
    return {
        "uncertainty_samples": samples,
        "nerve_depth_measured_mm": depth_mm,
        "skin_type_known": not skin_type_unknown,
    }


def _request(
    *,
    site: str,
    device: str,
    patient: dict[str, Any],
    screening: ScreeningInput | None,
    window: str | None,
    thermal: dict[str, float] | None,
    options: dict[str, Any],
) -> PlanRequest:
    """Build the planning request; every input error becomes one line naming the field.
    Only what the user gave is passed: the rest are the API's defaults."""
    from photodose.devices.library import load_device
    from photodose.planning import PlanRequest
    from photodose.planning.light import transport_beam
    from photodose.planning.request import default_thermal
    from photodose.thermal.conditions import ContactProbe
    from photodose.tissue.library import load_site
    from photodose.tissue.patient import Patient

    person = _one_line(lambda: Patient(**patient), "patient")
    fields: dict[str, Any] = {
        "site": _one_line(lambda: load_site(site)),
        "device": _one_line(lambda: load_device(device)),
        "patient": person,
    }
    if screening is not None:
        fields["screening"] = screening
    if window is not None:
        fields["window"] = _parse_window(window)
    if thermal is not None:
        beam = transport_beam(fields["device"])
        probe = _one_line(lambda: ContactProbe(
            radius_mm=beam.radius_mm, temperature_C=thermal["contact_C"],
            contact_conductance_W_per_m2_K=thermal["conductance"]), "contact")  # fmt: skip
        fields["thermal"] = _one_line(lambda: default_thermal(person).model_copy(
            update={"probe": probe}))  # fmt: skip
    fields |= options
    return _one_line(lambda: PlanRequest(**fields))


def _parse_window(text: str) -> DoseWindow:
    from photodose.dose.window import DoseWindow
    from photodose.errors import BadInputError

    parts = text.split(":")
    try:
        lower, upper = (float(part) for part in parts)
    except ValueError:
        raise BadInputError(
            "window", repr(text), "expected LOWER:UPPER in J/cm^2, e.g. 1:10"
        ) from None
    return _one_line(
        lambda: DoseWindow(lower_J_per_cm2=lower, upper_J_per_cm2=upper), f"window = {text!r}"
    )


def _one_line(build: Callable[[], T], where: str = "") -> T:
    """Call `build`; a validation error becomes an InvalidSpecError of one line saying
    where it happened, which `photodose.cli.main` prints as `error: ...` (exit status 2)."""
    from pydantic import ValidationError

    from photodose.errors import InvalidSpecError
    from photodose.specs import describe_error

    try:
        return build()
    except ValidationError as error:
        raise InvalidSpecError(describe_error(error, where, one_line=True)) from None


def print_plan(console: Console, plan: Plan, check: Verification | None) -> None:
    """The plan on the terminal: the same rows and words as the report (photodose.views)."""
    from rich.markup import escape
    from rich.table import Table

    from photodose.views.model_slice import model_dose_rows
    from photodose.views.rows import (
        check_lines,
        clinical_text,
        led_pattern_rows,
        nerve_dose_rows,
        protocol_rows,
        skin_dose_rows,
        temperature_rows,
        verification_rows,
    )
    from photodose.views.wording import (
        binding_in_words,
        headline,
        patient_summary,
        safety_verdict,
        verification_summary,
    )

    request = plan.request
    console.print(
        f"[bold]{escape(request.site.title)}[/bold] with [bold]{escape(request.device.title)}"
        "[/bold]"
    )
    console.print(f"patient: {escape(patient_summary(plan))}")
    for warning in plan.input_warnings:
        console.print(f"[bold yellow]input warning:[/bold yellow] {escape(warning)}")
    style = {"stop": "bold red", "caution": "bold yellow", "clear": "bold green"}[
        safety_verdict(plan).level
    ]
    console.print(f"[{style}]{escape(clinical_text(headline(plan)))}[/{style}]")
    console.print(f"binding constraint: [bold]{escape(clinical_text(plan.binding))}[/bold]")
    gloss = binding_in_words(plan)
    if gloss:
        console.print(escape(clinical_text(gloss)))
    console.print(f"why: {escape(clinical_text(plan.explanation))}")
    console.print(_table("Protocol", protocol_rows(plan)))
    console.print(_table("Dose at the skin", skin_dose_rows(plan)))
    console.print(_table("Dose at the nerve", nerve_dose_rows(plan)))
    pattern = led_pattern_rows(plan)
    if pattern:
        console.print(_table("LED pad: under a diode and between diodes", pattern))
    in_3d = model_dose_rows(plan)
    if in_3d:
        console.print(_table("At the nerve in the site's 3-D model", in_3d))
    console.print(_table("Temperature", temperature_rows(plan)))
    table = Table(title="Safety checks")
    for column in ("check", "status", "value", "limit", "why it matters"):
        table.add_column(column)
    for line in check_lines(plan):
        concern = line.status in ("exceeded", "contraindication", "precaution")
        note = line.note.split(". ")[0].rstrip(".") + "." if concern else ""
        table.add_row(escape(line.name), line.status, escape(line.value), escape(line.limit),
                      escape(note))  # fmt: skip
    console.print(table)
    if not plan.screened:
        console.print("contraindications: not screened (give --screening FILE, the screening "
                      "flags, or --screened)")  # fmt: skip
    if plan.nerve_uncertainty is not None:
        console.print(_uncertainty_table(plan))
    if plan.evidence:
        console.print(_evidence_table(plan))
        from photodose.planning.evidence import EVIDENCE_NOTE

        console.print(escape(EVIDENCE_NOTE))
    if check is not None:
        console.print(_table("Monte Carlo check", verification_rows(check)))
        console.print(escape(verification_summary(check)))


def _uncertainty_table(plan: Plan) -> Table:
    from rich.markup import escape
    from rich.table import Table

    from photodose.views.rows import number

    u = plan.nerve_uncertainty
    assert u is not None
    table = Table(title=f"Nerve dose: what is not known ({u.samples} seeded samples, seed "
                        f"{u.seed})")  # fmt: skip
    for column in ("quantity", "value", "note"):
        table.add_column(column)
    table.add_row("this plan (nominal tissue)", f"{number(u.nominal_J_per_cm2)} J/cm2", "")
    table.add_row("median over the samples", f"{number(u.median_J_per_cm2)} J/cm2", "")
    table.add_row(f"{u.level:.0%} interval",
                  f"{number(u.low_J_per_cm2)}-{number(u.high_J_per_cm2)} J/cm2",
                  f"a factor {u.factor:.2g} from end to end")  # fmt: skip
    for share in u.shares:
        table.add_row(f"share of the spread: {share.name}", f"{share.share:.0%}",
                      escape(share.range_text))  # fmt: skip
    table.add_row("nerve depth", "measured" if u.depth_measured else "the site's range",
                  "give --depth-mm to narrow it" if not u.depth_measured else "")  # fmt: skip
    table.caption = escape(u.note)
    return table


def _evidence_table(plan: Plan) -> Table:
    from rich.markup import escape
    from rich.table import Table

    from photodose.views.rows import number

    table = Table(title="Published protocols at this site, in the same model")
    for column in ("protocol", "result", "device", "per point", "surface J/cm2",
                   "nerve J/cm2", "verified"):  # fmt: skip
        table.add_column(column, justify="right" if "J/cm2" in column else "left")
    for row in plan.evidence:
        table.add_row(
            escape(row.protocol),
            row.result,
            escape(row.device),
            f"{number(1000 * row.power_W)} mW x {number(row.time_s)} s",
            number(row.surface_dose_J_per_cm2),
            number(row.nerve_fluence_J_per_cm2),
            "yes" if row.verified else "NOT VERIFIED",
        )
    table.add_row("this " + plan.kind, "", escape(plan.request.device.name),
                  f"{number(1000 * plan.power_W)} mW x {number(plan.time_per_spot_s)} s",
                  number(plan.surface_dose_J_per_cm2), number(plan.nerve_fluence_J_per_cm2),
                  "", style="bold")  # fmt: skip
    return table


def _table(title: str, rows: list[Row]) -> Table:
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=title)
    table.add_column("quantity")
    table.add_column("value", justify="right")
    table.add_column("unit")
    table.add_column("note")
    for row in rows:
        table.add_row(escape(row.label), escape(row.value), escape(row.unit), escape(row.note))
    return table
