# Two commands for a fresh clone: `make serve` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: serve test build site check lint benchmark clean

$(VENV)/.installed: requirements.txt requirements-dev.txt constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt -c constraints.txt
	touch $@

# npm only for the browser tests' axe-core: serving and building need Python alone.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

serve: $(VENV)/.installed  ## install, generate and serve the site with live reload
	$(PY) -m mkdocs serve --dirty

test: $(VENV)/.installed node_modules/.installed  ## install and run every test (browser tests need /usr/bin/chromium)
	$(PY) -m ruff check .
	$(PY) -m mypy
	$(PY) -m pytest

build: $(VENV)/.installed  ## generate the pages under docs/ only
	$(PY) build_kb.py

site: $(VENV)/.installed  ## generate and build the static site into site/, atomically
	$(PY) build_kb.py site

check: $(VENV)/.installed  ## validate sources and taxonomy
	$(PY) build_kb.py check

benchmark: $(VENV)/.installed
	$(PY) benchmarks/run.py

clean:
	rm -rf site .pytest_cache
