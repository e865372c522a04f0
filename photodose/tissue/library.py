"""The site library: shipped sites (photodose/tissue/data/sites/) plus the user's own,
from the folders in PHOTODOSE_SITES and ~/.photodose/sites (see io/spec_library.py)."""

from __future__ import annotations

from pathlib import Path

from photodose.io.spec_library import SpecLibrary
from photodose.tissue.site import Site

SHIPPED_SITES_DIR = Path(__file__).parent / "data" / "sites"
USER_SITES_ENV = "PHOTODOSE_SITES"
SITES = SpecLibrary("site", Site, SHIPPED_SITES_DIR, USER_SITES_ENV)

user_site_dirs = SITES.user_dirs
site_files = SITES.files
list_sites = SITES.names
read_site_file = SITES.read_file
load_site = SITES.load
load_sites = SITES.load_all
