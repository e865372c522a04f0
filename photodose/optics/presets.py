"""Named tissues with cited compositions: `tissue_preset("dermis")`, overridable field by field.

Main source: S. L. Jacques (2013) 'Optical properties of biological tissues: a review',
Phys Med Biol 58:R37 (read for this module: Table 1 per-study scattering fits, Table 2
scattering averages with their SDs, Table 3 in-vivo chromophore fractions, Eq. 3 refractive
index). Where Jacques has no entry the source is named at the value; values with no
measurement behind them are marked ASSUMPTION.

Scattering fits are given in Jacques 2013 in 1/cm; they are converted to 1/mm here (/10).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from photodose.errors import BadInputError
from photodose.optics.composition import TissueComposition

JACQUES_2013 = "Jacques 2013 Phys Med Biol 58:R37"

# Jacques 2013 Eq. 3 (after Biswas & Luu 2011): n = n_dry - (n_dry - n_water) W, with
# n_dry = 1.514 for the tissue's dry mass and n_water = 1.33.
N_DRY = 1.514
N_WATER = 1.33

# Anisotropy 0.90 for soft tissues, as in Jacques' own tissue list for mcxyz
# (makeTissueList.m: g = 0.90 for epidermis, dermis and the other tissues).
G_SOFT_TISSUE = 0.90

# Blood oxygen saturation of mixed arterio-venous tissue blood where no in-vivo value is at
# hand: 0.75, the value of Jacques 2013 (Fig. 15 generic tissue) and of mcxyz's tissue list.
S_MIXED = 0.75

# Epidermal melanosome volume fraction by Fitzpatrick skin type. ASSUMPTION: no source
# maps the six types to a fraction one by one. The values are placed inside the ranges of
# Jacques 1996 as quoted on the OMLC melanin page (omlc.org/spectra/melanin/): light-skinned
# Caucasians 1-3 %, well-tanned Caucasians and Mediterraneans 11-16 %, darkly pigmented
# Africans 18-43 %, with type III between the first two groups. Type II equals the 0.03 of
# Jacques' mcxyz epidermis. Other measurements spread widely: Jacques 2013 Table 3 lists
# in-vivo fits of only 0.87 % (types I-II), 1.15 % (III-IV) and 1.65 % (V-VI) (Tseng et al
# 2011); Norvang et al 1997 (Lasers Med Sci 12:99, abstract) measured epidermal absorption
# at 694 nm of ~12 1/cm or less for Caucasian and Asian skin and ~25 1/cm for African skin,
# which with the melanosome spectrum used here is M ~ 0.02-0.06 and ~0.13.
FITZPATRICK_MELANIN_FRACTION: dict[int, float] = {
    1: 0.02,
    2: 0.03,
    3: 0.06,
    4: 0.12,
    5: 0.18,
    6: 0.30,
}
DEFAULT_SKIN_TYPE = 2

# Palmoplantar skin has five times fewer melanocytes than other skin (Yamaguchi et al 2004,
# J Cell Biol 165:275, abstract). ASSUMPTION: the melanosome volume fraction scales the
# same way.
PLANTAR_MELANIN_RATIO = 1.0 / 5.0


def refractive_index_from_water(water_fraction: float) -> float:
    """Jacques 2013 Eq. 3: the real refractive index scales with water content."""
    return N_DRY - (N_DRY - N_WATER) * water_fraction


def _epidermis(skin_type: int) -> TissueComposition:
    melanin = FITZPATRICK_MELANIN_FRACTION[skin_type]
    return TissueComposition(
        name="epidermis",
        source=(
            f"Fitzpatrick type {skin_type}: melanosome fraction {melanin:g} (ASSUMPTION, "
            "placed in the ranges of Jacques 1996 via OMLC); rest absorbs as bloodless skin "
            "(Jacques 1998 OMLC 'Skin optics'); scattering of epidermis, Salomatina et al "
            f"2006 in {JACQUES_2013} Table 1 #7; g mcxyz; n Ding et al 2006"
        ),
        # Avascular; the baseline of bloodless skin already contains the tissue's water, so
        # water is not added again (Jacques 1998: mua_epi = M mua_mel + (1-M) mua_baseline).
        blood_fraction=0.0,
        oxygen_saturation=S_MIXED,
        water_fraction=0.0,
        fat_fraction=0.0,
        melanin_fraction=melanin,
        baseline_fraction=1.0 - melanin,
        # Salomatina et al 2006 (J Biomed Opt 11:064026), epidermis: a' = 66.7 1/cm,
        # f_Ray = 0.29, b_Mie = 0.689 (Jacques 2013 Table 1, #7).
        musp500_per_mm=6.67,
        f_rayleigh=0.29,
        b_mie=0.689,
        g=G_SOFT_TISSUE,
        # Ding et al 2006 (Phys Med Biol 51:1479) Cauchy fit for epidermis,
        # n = 1.4134 + 7907.96/l^2 - 389.98/l^4: 1.424 at 850 nm, 1.420 at 1064 nm.
        n=1.42,
    )


def _plantar_skin(skin_type: int) -> TissueComposition:
    melanin = FITZPATRICK_MELANIN_FRACTION[skin_type] * PLANTAR_MELANIN_RATIO
    return _epidermis(skin_type).updated(
        {
            "name": "plantar_skin",
            "source": (
                "epidermis of thick glabrous plantar skin (stratum corneum included; its "
                f"thickness belongs to the site): melanosome fraction {melanin:g} = 1/5 of "
                f"Fitzpatrick type {skin_type} (Yamaguchi et al 2004, melanocyte density; "
                "ASSUMPTION that melanin scales with it); rest absorbs as bloodless skin "
                "(Jacques 1998); scattering of epidermis (Salomatina et al 2006, "
                f"{JACQUES_2013} Table 1 #7; no plantar data: ASSUMPTION); n Ding et al 2006"
            ),
            "melanin_fraction": melanin,
            "baseline_fraction": 1.0 - melanin,
        }
    )


# Callus and corns are hyperkeratotic stratum corneum: dead, flattened keratinocytes
# with little water and no blood vessels. Melanin is made by melanocytes in the basal
# layer, below the stratum corneum, so a callus is not pigmented by skin type. No measured
# absorption or scattering spectrum of stratum corneum or callus in 600-1100 nm was found
# (searched: Meglinski & Matcher 2002 Physiol Meas 23:741 simulate skin spectra from
# assumed layer values, they do not measure them; Salomatina et al 2006 measured whole
# epidermis; the OCT studies of glabrous skin found give images and hydration trends, not
# coefficients of callus). What is measured, and used, is named at each value below.
#
# Refractive index: measured in vivo at the skin surface (the contact face, the
# outermost layer: stratum corneum) by total internal reflection / the critical angle:
# 1.51-1.53 at 550 nm on the cheek, correlated with the skin's conductance, i.e. its
# water content (Yoshida et al 2013, J Biomed Opt 18:037002, abstract), and 1.533 on
# average over age, sex and skin colour (Xie, Li & Li 2003, Chin Opt Lett 1:44,
# abstract). A callus is drier than unaffected plantar skin (Hashmi et al 2015, J Foot
# Ankle Res, doi:10.1186/s13047-015-0092-7: lower capacitance hydration); less water
# means a higher index (Jacques 2013 Eq. 3), so 1.52 is not an upper bound. ASSUMPTION
# for 600-1100 nm: the value is used unchanged (Ding et al 2006's epidermal dispersion
# would lower it by ~0.015 from 550 to 850 nm).
STRATUM_CORNEUM_N = 1.52


def _stratum_corneum() -> TissueComposition:
    return TissueComposition(
        name="stratum_corneum",
        source=(
            "callus as hyperkeratotic stratum corneum: no melanin (melanocytes lie in the "
            f"basal layer) and no blood; n {STRATUM_CORNEUM_N:g} measured in vivo at the skin "
            "surface (Yoshida et al 2013 J Biomed Opt 18:037002, 1.51-1.53; Xie et al 2003 "
            "Chin Opt Lett 1:44, 1.533; visible light, normal skin). ASSUMPTION (no measured "
            "callus or stratum corneum spectrum found): absorbs as bloodless skin (Jacques "
            "1998 OMLC 'Skin optics'), scatters as epidermis (Salomatina et al 2006, "
            f"{JACQUES_2013} Table 1 #7), the upper end: thick glabrous stratum corneum "
            "images darker than the epidermis below in 930 nm OCT (J R Soc Interface 2013 "
            "10:20120467, Fig. 1)"
        ),
        blood_fraction=0.0,
        oxygen_saturation=S_MIXED,
        # the bloodless-skin baseline already holds the tissue's water (as in _epidermis)
        water_fraction=0.0,
        fat_fraction=0.0,
        melanin_fraction=0.0,
        baseline_fraction=1.0,
        musp500_per_mm=6.67,
        f_rayleigh=0.29,
        b_mie=0.689,
        g=G_SOFT_TISSUE,
        n=STRATUM_CORNEUM_N,
    )


def _dermis() -> TissueComposition:
    return TissueComposition(
        name="dermis",
        source=(
            f"B 0.002, W 0.65: {JACQUES_2013} Table 3 #8 (dermis, Choudhury et al 2010) and "
            f"mcxyz; S 0.67 mcxyz; scattering: skin average of {JACQUES_2013} Table 2; g "
            "mcxyz; n Ding et al 2006"
        ),
        blood_fraction=0.002,
        # Choudhury et al 2010 found S = 0.39 in vivo; Jacques' mcxyz dermis uses 0.67,
        # the more usual mixed arterio-venous value, taken here.
        oxygen_saturation=0.67,
        water_fraction=0.65,
        fat_fraction=0.0,
        # Jacques 2013 Table 2, skin (mean of 7 studies): a' = 48.0 +- 10.6 1/cm,
        # f_Ray = 0.409 +- 0.178, b_Mie = 0.702 +- 0.351.
        musp500_per_mm=4.80,
        f_rayleigh=0.409,
        b_mie=0.702,
        g=G_SOFT_TISSUE,
        # Ding et al 2006 Cauchy fit for dermis, n = 1.3696 + 3916.8/l^2 - 2558.8/l^4:
        # 1.375 at 850 nm.
        n=1.375,
    )


def _subcutaneous_fat() -> TissueComposition:
    water = 0.11
    return TissueComposition(
        name="subcutaneous_fat",
        source=(
            f"B, S, W, F: {JACQUES_2013} Table 3 #7 (abdomen in vivo, Jakubowski et al 2004); "
            f"scattering: fatty-tissue average of {JACQUES_2013} Table 2; g mcxyz; "
            f"n {JACQUES_2013} Eq. 3"
        ),
        # Jakubowski et al 2004 (abdomen, mostly subcutaneous fat): B 0.54 %, S 76 %,
        # W 11 %, F 69 %. Martin et al 1994 (via IOM 2005 DRI for water, p. 75) give adipose
        # tissue 10-40 % water, consistent.
        blood_fraction=0.0054,
        oxygen_saturation=0.76,
        water_fraction=water,
        fat_fraction=0.69,
        # Jacques 2013 Table 2, fatty tissue (mean of 5 studies): a' = 19.3 +- 9.1 1/cm,
        # f_Ray = 0.174 +- 0.111, b_Mie = 0.447 +- 0.263.
        musp500_per_mm=1.93,
        f_rayleigh=0.174,
        b_mie=0.447,
        g=G_SOFT_TISSUE,
        n=refractive_index_from_water(water),
    )


def _muscle() -> TissueComposition:
    water = 0.75
    return TissueComposition(
        name="muscle",
        source=(
            f"B, S: {JACQUES_2013} Table 3 #17 (calf in vivo, Matcher et al 1997); W: fat-free "
            "mass ~70-75 % water (IOM 2005 DRI for water, p. 75); scattering: muscle, Tromberg "
            f"1996 in {JACQUES_2013} Table 1 #29; g Bashkatov et al 2011; n {JACQUES_2013} Eq. 3"
        ),
        # Matcher et al 1997 (calf): Hb 84 uM, B 3.61 %, S 69 %.
        blood_fraction=0.0361,
        oxygen_saturation=0.69,
        water_fraction=water,
        fat_fraction=0.0,
        # Tromberg 1996 (muscle, in vivo), Jacques 2013 Table 1 #29: a' = 13.0 1/cm,
        # f_Ray = 0, b_Mie = 0.926. (Table 2 'other soft tissues' averages liver, muscle,
        # mucosa, tumours: a' 19.1 +- 11.3 1/cm; the muscle fit itself is used.)
        musp500_per_mm=1.30,
        f_rayleigh=0.0,
        b_mie=0.926,
        # Bashkatov, Genina & Tuchin 2011 (J Innov Opt Health Sci 4:9), skeletal muscle
        # 650-800 nm: g = 0.93.
        g=0.93,
        n=refractive_index_from_water(water),
    )


def _nerve() -> TissueComposition:
    water = 0.78
    return TissueComposition(
        name="nerve",
        source=(
            "W 0.78, F 0.11: peripheral nerve 78 % water, 11 % lipid (Ann Biomed Eng 2015 "
            "43:641, Table 1; mass fractions used as volume fractions); B 0.01, S 0.75: "
            "ASSUMPTION (no measurement found); scattering: normal optic nerve, Bevilacqua et "
            f"al 2000 in {JACQUES_2013} Table 1 #13 (no peripheral-nerve data: ASSUMPTION); "
            f"g mcxyz; n {JACQUES_2013} Eq. 3"
        ),
        # ASSUMPTION: 1 % blood, a typical soft-tissue blood volume; no in-vivo value for
        # human peripheral nerve was found.
        blood_fraction=0.01,
        oxygen_saturation=S_MIXED,
        water_fraction=water,
        # Myelin lipid; nerve lipid density is close to 1 g/mL, so mass ~ volume fraction.
        fat_fraction=0.11,
        # Bevilacqua et al 2000, normal optic nerve: a = a' = 25.9 1/cm, f_Ray = 0,
        # b = b_Mie = 1.156 (Jacques 2013 Table 1 #13). A CNS nerve; the nearest data.
        musp500_per_mm=2.59,
        f_rayleigh=0.0,
        b_mie=1.156,
        g=G_SOFT_TISSUE,
        n=refractive_index_from_water(water),
    )


def _tendon() -> TissueComposition:
    water = 0.60
    return TissueComposition(
        name="tendon",
        source=(
            "W 0.60: tendon 60 % water, 30 % collagen (Ann Biomed Eng 2015 43:641, Table 1); "
            "B 0.005: ASSUMPTION (poorly vascularised); scattering: 'other fibrous tissues' "
            f"average of {JACQUES_2013} Table 2; g mcxyz; n {JACQUES_2013} Eq. 3"
        ),
        # ASSUMPTION: tendon is poorly vascularised; 0.5 % blood, no measurement found.
        blood_fraction=0.005,
        oxygen_saturation=S_MIXED,
        water_fraction=water,
        fat_fraction=0.0,
        # Jacques 2013 Table 2, other fibrous tissues (mean of 5): a' = 29.2 +- 5.4 1/cm,
        # f_Ray = 0.489 +- 0.274, b_Mie = 0.644 +- 0.572.
        musp500_per_mm=2.92,
        f_rayleigh=0.489,
        b_mie=0.644,
        g=G_SOFT_TISSUE,
        n=refractive_index_from_water(water),
    )


def _bone() -> TissueComposition:
    water = 0.19
    return TissueComposition(
        name="bone",
        source=(
            f"B 0.0136: {JACQUES_2013} Table 3 #41 (cortical bone, sheep and horse, Weaver et al "
            "1989); W 0.19: Timmins & Wall 1977 (as used by SIMPA); S 0.75 generic; "
            f"scattering: bone average of {JACQUES_2013} Table 2; g mcxyz; "
            f"n {JACQUES_2013} Eq. 3"
        ),
        blood_fraction=0.0136,
        oxygen_saturation=S_MIXED,
        water_fraction=water,
        fat_fraction=0.0,
        # Jacques 2013 Table 2, bone (mean of 2-3): a' = 15.3 +- 7.9 1/cm,
        # f_Ray = 0.022 +- 0.032, b_Mie = 0.326 +- 0.298.
        musp500_per_mm=1.53,
        f_rayleigh=0.022,
        b_mie=0.326,
        g=G_SOFT_TISSUE,
        n=refractive_index_from_water(water),
    )


_ABSORBER_FRACTIONS = ("blood_fraction", "water_fraction", "fat_fraction", "melanin_fraction")

_SKIN_PRESETS: dict[str, Callable[[int], TissueComposition]] = {
    "epidermis": _epidermis,
    "plantar_skin": _plantar_skin,
}
_OTHER_PRESETS: dict[str, Callable[[], TissueComposition]] = {
    "stratum_corneum": _stratum_corneum,
    "dermis": _dermis,
    "subcutaneous_fat": _subcutaneous_fat,
    "muscle": _muscle,
    "nerve": _nerve,
    "tendon": _tendon,
    "bone": _bone,
}


def list_tissues() -> list[str]:
    """The preset names, from the surface inwards."""
    return [*_SKIN_PRESETS, *_OTHER_PRESETS]


def tissue_preset(name: str, skin_type: int | None = None, **overrides: Any) -> TissueComposition:
    """The named tissue's composition; `skin_type` (Fitzpatrick 1-6) for skin presets.

    Keyword overrides replace single fields, e.g. `tissue_preset("dermis",
    blood_fraction=0.01)`; the result is validated again and its `source` says which
    fields were changed. In the skin presets the bloodless-skin baseline stays the
    remainder of the volume unless `baseline_fraction` itself is given.
    """
    if name in _SKIN_PRESETS:
        if skin_type is None:
            skin_type = DEFAULT_SKIN_TYPE
        if skin_type not in FITZPATRICK_MELANIN_FRACTION:
            raise BadInputError("skin_type", skin_type, "Fitzpatrick skin types are 1 to 6")
        base = _SKIN_PRESETS[name](skin_type)
    elif name in _OTHER_PRESETS:
        if skin_type is not None:
            raise BadInputError(
                "skin_type",
                skin_type,
                f"given for {name!r}: skin type applies only to {', '.join(_SKIN_PRESETS)}",
            )
        base = _OTHER_PRESETS[name]()
    else:
        raise BadInputError(
            "tissue", repr(name), f"unknown; known tissues: {', '.join(list_tissues())}"
        )
    if not overrides:
        return base
    fields = TissueComposition.model_fields
    unknown = sorted(set(overrides) - set(fields))
    if unknown:
        raise BadInputError(
            "composition fields",
            ", ".join(unknown),
            f"unknown for tissue {name!r}; fields: {', '.join(fields)}",
        )
    values = base.model_dump() | overrides
    if name in _SKIN_PRESETS and "baseline_fraction" not in overrides:
        # The rest of a skin layer absorbs as bloodless skin: keep it the remainder.
        rest = 1.0 - sum(values[key] for key in _ABSORBER_FRACTIONS)
        values["baseline_fraction"] = max(rest, 0.0)
    if "source" not in overrides:
        changed = ", ".join(f"{key}={value!r}" for key, value in overrides.items())
        values["source"] = f"{base.source}; overridden: {changed}"
    return TissueComposition.model_validate(values)
