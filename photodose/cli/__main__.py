"""`python -m photodose.cli` runs the command line."""

from photodose.cli import main

main()
