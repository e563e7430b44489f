# The two commands of the README: `make run` (the evaluation on the embedded offline model) and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install run test unit embedded-test lint

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,embedded]'
	touch $(STAMP)

run: install
	$(VENV)/bin/peer-preservation run

# Unit and end-to-end tests in parallel with model APIs disabled, then the one real embedded-model trial alone
# (it runs a local model in-process: no network, but it must not share the cores with test workers).
test: unit embedded-test

unit: install
	INSPECT_DISABLE_MODEL_API=1 $(PY) -m pytest -m "not embedded" -n 2 -q

embedded-test: install
	$(PY) -m pytest -m embedded -q -p no:xdist

lint: install
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/mypy
