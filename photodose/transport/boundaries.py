"""What happens to the beam at the tissue's surface, shared by every engine (Monte Carlo,
diffusion): normal-incidence Fresnel reflectance, the specular reflectance at entry and
the weight passing a clear top layer. Pure functions of the stack."""

from __future__ import annotations

from photodose.specs import TissueStack


def normal_reflectance(n1: float, n2: float) -> float:
    """Fresnel reflectance at normal incidence (Born & Wolf, Principles of Optics, 1.5.2)."""
    return ((n1 - n2) / (n1 + n2)) ** 2


def specular_reflectance(stack: TissueStack) -> tuple[float, int]:
    """Specular reflectance at entry and the layer (1-based) photons start in.

    Normal-incidence Fresnel at the surface; when the first layer is clear (glass), its
    two surfaces reflect in series, r1 + (1 - r1)^2 r2 / (1 - r1 r2), and photons start
    in the second layer (as MCML does, Wang et al. 1995, sec. 3.2).
    """
    first = stack.layers[0].tissue
    r1 = normal_reflectance(stack.n_above, first.n)
    if first.is_clear:
        n_next = stack.layers[1].tissue.n if len(stack.layers) > 1 else stack.n_below
        r2 = normal_reflectance(first.n, n_next)
        return r1 + (1.0 - r1) ** 2 * r2 / (1.0 - r1 * r2), 2
    return r1, 1


def clear_entry_weight(stack: TissueStack) -> float:
    """Summed weight of the incoming beam's vertical passes through a clear top layer:
    (1 - r1)(1 + r2) / (1 - r1 r2) for surface reflectances r1 (top) and r2 (bottom),
    counting every internal reflection; 0 when the top layer is not clear."""
    first = stack.layers[0].tissue
    if not first.is_clear:
        return 0.0
    n_next = stack.layers[1].tissue.n if len(stack.layers) > 1 else stack.n_below
    r1 = normal_reflectance(stack.n_above, first.n)
    r2 = normal_reflectance(first.n, n_next)
    return (1.0 - r1) * (1.0 + r2) / (1.0 - r1 * r2)
