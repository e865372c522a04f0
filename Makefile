# The two commands a new user needs (see README):
#   make demo   sets everything up in .venv and runs the demo
#   make test   sets everything up in .venv and runs the whole test suite
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: demo test setup browser bench lint clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/python examples/demo.py

# Headless Chromium for the report's browser and PDF tests: installed with apt-get when
# missing and possible (root, Debian/Ubuntu); otherwise those tests skip themselves.
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	  { command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ] && \
	    apt-get update -qq && apt-get install -y -qq chromium >/dev/null; } || \
	  echo "chromium not installed: the report's browser and PDF tests will be skipped"

test: $(STAMP) browser
	$(VENV)/bin/python -m pytest
	$(VENV)/bin/python -m mypy photodose

bench: $(STAMP)
	$(VENV)/bin/python benchmarks/run_all.py

lint: $(STAMP)
	$(VENV)/bin/ruff check photodose tests benchmarks examples
	$(VENV)/bin/python -m mypy photodose

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
