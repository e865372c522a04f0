"""Treatment sites (layer stacks and target nerves) and patient modifiers."""

from photodose.tissue.library import list_sites, load_site, load_sites, read_site_file
from photodose.tissue.patient import Patient
from photodose.tissue.site import Nerve, Site, SiteLayer

__all__ = [
    "Nerve",
    "Patient",
    "Site",
    "SiteLayer",
    "list_sites",
    "load_site",
    "load_sites",
    "read_site_file",
]
