# The two commands of the README: `make run` (the evaluation on the embedded offline model) and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install harness-deps run test unit harness-test embedded-test opencode-test lint

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,embedded]'
	touch $(STAMP)

run: install
	$(VENV)/bin/peer-preservation run

# The production-harness world needs root (namespaces, sshd) and Debian packages; without root its tests are skipped.
harness-deps: install
	@if [ "$$(id -u)" = 0 ]; then PYTHON=$(PY) bash scripts/install-harness-deps.sh --with-npm; \
	else echo "not root: the production-harness tests will be skipped"; fi

# Unit and end-to-end tests in parallel with model APIs disabled; then the harness world tests (root, real sshd);
# then, alone, the tests that run the embedded model in-process (no network, but they must not share the cores).
test: unit harness-test embedded-test opencode-test

unit: install
	INSPECT_DISABLE_MODEL_API=1 $(PY) -m pytest -m "not embedded and not harness and not opencode" -n 2 -q

harness-test: harness-deps
	INSPECT_DISABLE_MODEL_API=1 $(PY) -m pytest -m "harness and not opencode" -q -p no:xdist

embedded-test: install
	$(PY) -m pytest -m embedded -q -p no:xdist

opencode-test: harness-deps
	$(PY) -m pytest -m opencode -q -p no:xdist

lint: install
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
