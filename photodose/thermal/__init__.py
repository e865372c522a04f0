"""Heating by the light: Pennes bioheat on the transport grid, and thermal damage."""

from photodose.thermal.conditions import ContactProbe, ThermalConditions
from photodose.thermal.damage import arrhenius_damage, cem43_minutes
from photodose.thermal.heating import heat_from_transport
from photodose.thermal.properties import (
    ThermalProperties,
    list_thermal_tissues,
    thermal_preset,
)

__all__ = [
    "ContactProbe",
    "ThermalConditions",
    "ThermalProperties",
    "arrhenius_damage",
    "cem43_minutes",
    "heat_from_transport",
    "list_thermal_tissues",
    "thermal_preset",
]
