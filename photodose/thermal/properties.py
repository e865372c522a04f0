"""Thermal properties of tissues for the Pennes bioheat equation (SI units, as published).

Values are the IT'IS Foundation tissue properties database, version 4.1: Hasgall PA,
Di Gennaro F, Baumgartner C, Neufeld E, Lloyd B, Gosselin MC, Payne D, Klingenboeck A,
Kuster N, "IT'IS Database for thermal and electromagnetic parameters of biological
tissues", v4.1 (2022), doi:10.13099/VIP21000-04-1. They were read this session from the
Foundation's own export of that version (TissueProperties.csv in the IT'IS Foundation's
public "tissue-properties" service, labelled version 4.1), columns Density (kg/m3), Heat
Capacity (J/kg/C), Thermal Conductivity (W/m/C), Heat Transfer Rate (ml/min/kg) and Heat
Generation Rate (W/kg). IT'IS has one "Skin" entry; the split into epidermis, dermis and
plantar skin below is ours and says so per preset.

Perfusion is stored as IT'IS gives it, millilitres of blood per minute per kilogram of
tissue. Pennes' volumetric rate w_b (1/s, blood volume per tissue volume per second) is
w_b = perfusion * 1e-6 m^3/ml / 60 s/min * density (property `perfusion_per_s`), and the
Pennes sink coefficient is rho_b c_b w_b (W/m^3/K, `perfusion_coefficient_W_per_m3_K`).
"""

from __future__ import annotations

from pydantic import Field

from photodose.errors import BadInputError
from photodose.specs.base import Spec

# Blood, the perfusing fluid of Pennes (1948, J Appl Physiol 1:93). IT'IS v4.1 "Blood":
# density 1049.75 kg/m^3 (rounded here to 1050), heat capacity 3617 J/(kg K).
BLOOD_DENSITY_KG_PER_M3 = 1050.0
BLOOD_SPECIFIC_HEAT_J_PER_KG_K = 3617.0

_ML_PER_MIN_TO_M3_PER_S = 1.0e-6 / 60.0


class ThermalProperties(Spec):
    """Density, heat capacity, conductivity, blood perfusion and metabolic heat of one tissue."""

    density_kg_per_m3: float = Field(gt=0.0, le=5000.0, description="mass density, kg/m^3")
    specific_heat_J_per_kg_K: float = Field(
        gt=0.0, le=10_000.0, description="specific heat capacity, J/(kg K)"
    )
    conductivity_W_per_m_K: float = Field(
        gt=0.0, le=10.0, description="thermal conductivity, W/(m K)"
    )
    perfusion_ml_per_min_per_kg: float = Field(
        default=0.0,
        ge=0.0,
        le=20_000.0,
        description="blood perfusion, ml of blood per minute per kg of tissue (IT'IS 'heat "
        "transfer rate')",
    )
    metabolic_heat_W_per_m3: float = Field(
        default=0.0, ge=0.0, le=1.0e6, description="metabolic heat generation, W/m^3"
    )

    @property
    def volumetric_heat_capacity_J_per_m3_K(self) -> float:
        return self.density_kg_per_m3 * self.specific_heat_J_per_kg_K

    @property
    def diffusivity_m2_per_s(self) -> float:
        return self.conductivity_W_per_m_K / self.volumetric_heat_capacity_J_per_m3_K

    @property
    def perfusion_per_s(self) -> float:
        """Pennes' w_b: blood volume per tissue volume per second, 1/s."""
        return self.perfusion_ml_per_min_per_kg * _ML_PER_MIN_TO_M3_PER_S * self.density_kg_per_m3

    @property
    def perfusion_coefficient_W_per_m3_K(self) -> float:
        """rho_b c_b w_b: heat carried away per unit volume per kelvin above arterial."""
        return BLOOD_DENSITY_KG_PER_M3 * BLOOD_SPECIFIC_HEAT_J_PER_KG_K * self.perfusion_per_s

    def with_perfusion_scale(self, factor: float) -> ThermalProperties:
        """A copy with perfusion multiplied by `factor` (e.g. < 1 for a neuropathic foot)."""
        if not 0.0 <= factor <= 10.0:
            raise BadInputError("perfusion scale", factor, "must be in [0, 10]")
        return self.model_copy(
            update={"perfusion_ml_per_min_per_kg": self.perfusion_ml_per_min_per_kg * factor}
        )


def _itis(
    density: float, heat_capacity: float, conductivity: float, htr: float, hgr_W_per_kg: float
) -> ThermalProperties:
    # IT'IS gives the heat generation rate per kilogram; times density for W/m^3.
    return ThermalProperties(
        density_kg_per_m3=density,
        specific_heat_J_per_kg_K=heat_capacity,
        conductivity_W_per_m_K=conductivity,
        perfusion_ml_per_min_per_kg=htr,
        metabolic_heat_W_per_m3=hgr_W_per_kg * density,
    )


# IT'IS v4.1 rows (density, heat capacity, conductivity, heat transfer rate, heat generation).
_SKIN = (1109.0, 3390.5, 0.3721835, 106.3813131, 1.647516035)  # "Skin"

_PRESETS: dict[str, ThermalProperties] = {
    # The epidermis has no blood vessels (it is fed by diffusion from the dermis), so no
    # perfusion and, with it, no separate metabolic term; bulk values of IT'IS "Skin".
    "epidermis": _itis(*_SKIN[:3], 0.0, 0.0),
    # IT'IS "Skin" is dominated by the dermis by volume: used as is.
    "dermis": _itis(*_SKIN),
    # ASSUMPTION: IT'IS has no plantar (glabrous) skin entry; "Skin" is used. Plantar skin
    # has a much thicker stratum corneum; its perfusion in a neuropathic foot is reduced
    # and variable: scale it with `ThermalConditions.perfusion_scale`.
    "plantar_skin": _itis(*_SKIN),
    # "SAT (Subcutaneous Fat)"
    "subcutaneous_fat": _itis(911.0, 2348.333333, 0.21145, 32.70933333, 0.5065659521),
    # "Muscle"
    "muscle": _itis(1090.4, 3421.2, 0.49496875, 36.7382931, 0.9061247014),
    # "Nerve"
    "nerve": _itis(1075.0, 3613.0, 0.49, 160.3333333, 2.48306521),
    # "Tendon\Ligament"
    "tendon": _itis(1142.0, 3432.0, 0.469, 29.0, 0.4491199029),
    # "Bone (Cortical)"; IT'IS "Bone (Cancellous)" (1178 kg/m^3, 2274 J/(kg K), 0.3125 W/(m K),
    # 30 ml/min/kg) suits a trabecular heel bone better: pass it as a ThermalProperties.
    "bone": _itis(1908.0, 1312.833333, 0.32, 10.0, 0.154868932),
}


def list_thermal_tissues() -> tuple[str, ...]:
    """Names of the built-in tissues (the names the optics presets use)."""
    return tuple(_PRESETS)


def thermal_preset(name: str) -> ThermalProperties:
    """Thermal properties of a built-in tissue, by the name the optics presets use."""
    try:
        return _PRESETS[name]
    except KeyError:
        known = ", ".join(_PRESETS)
        raise BadInputError(
            "thermal tissue", repr(name), f"unknown; choose one of {known}"
        ) from None
