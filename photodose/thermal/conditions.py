"""The thermal surroundings of a treatment: air, blood, body core, an optional contact probe."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from photodose.specs.base import Spec


class ContactProbe(Spec):
    """A probe face held on the skin over r < radius_mm, at a fixed temperature.

    The contact conductance lumps the probe face, any gel and the contact resistance; it
    depends on the device and must come from its maker or a measurement (no default).
    """

    radius_mm: float = Field(gt=0.0, le=200.0, description="radius of the contact face, mm")
    temperature_C: float = Field(ge=0.0, le=60.0, description="probe face temperature, deg C")
    contact_conductance_W_per_m2_K: float = Field(
        gt=0.0, le=1.0e5, description="skin-to-probe heat transfer coefficient, W/(m^2 K)"
    )


class ThermalConditions(Spec):
    """Boundary and blood conditions of the bioheat model.

    Defaults (each an ASSUMPTION to be set per clinic; see docs/thermal.md):
    - air 22 deg C: a room.
    - convection 10 W/(m^2 K): still air, free convection plus linearised radiation. The
      radiative part alone is 4 sigma T^3 = 6.1 W/(m^2 K) for a black body at 300 K, between
      skin and room temperature (Stefan-Boltzmann constant 5.670374419e-8 W/(m^2 K^4),
      CODATA 2018); free convection adds a few W/(m^2 K). A lower value is the cautious
      side (the skin stays warmer).
    - arterial blood and body core 37.0 deg C (the body temperature used by SIMPA, Groehl
      et al. 2022, J Biomed Opt 27:083010). A foot's arterial blood is cooler; 37 C puts the
      baseline closer to the limits, which is the cautious side.
    - perfusion_scale 1: multiplies every tissue's perfusion. Diabetic and neuropathic feet
      have reduced and variable skin blood flow; there is no single value, so run the model
      over a range (e.g. 0.3 to 1) and plan on the worst case.
    - deep boundary "adiabatic": no heat crosses the bottom of the thermal domain, so deep
      tissue settles where perfusion puts it (T_a + Q_met / (rho_b c_b w_b)) and the result
      does not depend on how deep the domain reaches; "core" holds the bottom face at the
      arterial temperature instead, which warms the skin a little more the shallower the
      domain is. The far radius is always adiabatic: the unheated tissue continues
      sideways with the same depth profile.
    """

    air_temperature_C: float = Field(default=22.0, ge=-20.0, le=50.0)
    convection_W_per_m2_K: float = Field(default=10.0, ge=0.0, le=1.0e4)
    arterial_temperature_C: float = Field(default=37.0, ge=30.0, le=42.0)
    perfusion_scale: float = Field(default=1.0, ge=0.0, le=10.0)
    deep_boundary: Literal["adiabatic", "core"] = "adiabatic"
    probe: ContactProbe | None = None
