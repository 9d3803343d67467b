# Continuity — the two commands: `make run` and `make test`.
# Both create .venv with the system python3 and install pinned dependencies first:
# `make run` only the runtime ones (requirements.lock), `make test` also the development ones
# (requirements-dev.lock).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip install --quiet --disable-pip-version-check
STAMP  := $(VENV)/.runtime-stamp
DEV_STAMP := $(VENV)/.dev-stamp

.PHONY: setup setup-dev run test test-fast lint format lock clean help bench bench-quick browser \
	baseline wheel slurm slurm-down posterior

help:
	@echo "make run        - set up (runtime dependencies only), then run the default Mexico scenario"
	@echo "                  (summary + results + figure); ARGS=\"seed=7\" passes overrides"
	@echo "make test       - set up (runtime + dev), install chromium if missing, lint, run every test"
	@echo "make test-fast  - set up (runtime + dev), run the tests not marked slow (a few minutes)"
	@echo "make setup      - create .venv with the runtime dependencies (requirements.lock)"
	@echo "make setup-dev  - add the development dependencies (requirements-dev.lock)"
	@echo "make lint       - ruff check + format check"
	@echo "make format     - ruff fix + format"
	@echo "make browser    - install Debian's chromium for the browser test (.ci/install-chromium)"
	@echo "make baseline   - refresh the golden regression baseline (tests/golden/); flag it in CHANGELOG"
	@echo "make posterior  - re-run the default Mexico calibration and ship its posterior (sim/data/posterior)"
	@echo "make bench      - run every benchmark (benchmarks/results.json, scaling.png); ARGS passed on"
	@echo "make bench-quick - the same, smaller sizes"
	@echo "make wheel      - build the wheel into dist/ (pip install dist/continuity-*.whl)"
	@echo "make lock       - re-pin requirements.lock and requirements-dev.lock from pyproject.toml"
	@echo "make slurm      - start the one-node SLURM test cluster (.ci/slurm-up; root); make slurm-down stops it"
	@echo "make slurm-down - stop the SLURM test cluster"
	@echo "make clean      - remove .venv, outputs, dist and caches"

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PIP) -r requirements.lock
	$(PIP) --no-deps -e .
	@rm -f $(DEV_STAMP)
	@touch $(STAMP)

$(DEV_STAMP): $(STAMP) requirements-dev.lock
	$(PIP) -r requirements-dev.lock -c requirements.lock
	@touch $(DEV_STAMP)

setup: $(STAMP)

setup-dev: $(DEV_STAMP)

run: setup
	$(BIN)/continuity run $(ARGS)

lint: setup-dev
	$(BIN)/ruff check sim experiments analysis tests benchmarks
	$(BIN)/ruff format --check sim experiments analysis tests benchmarks

browser:
	bash .ci/install-chromium

# The real-cluster tests (tests/test_slurm_real.py) need it; if it cannot start they skip,
# except in CI (CI=true), where they fail.
slurm:
	bash .ci/slurm-up || echo "make: the SLURM test cluster did not start (see above)"

slurm-down:
	bash .ci/slurm-down

test: lint browser slurm
	$(BIN)/pytest -n 2 --durations=10

baseline: setup
	$(BIN)/python -m experiments.baseline

wheel: setup
	rm -rf dist
	$(BIN)/python -m pip wheel --quiet --disable-pip-version-check --no-deps -w dist .

# The shipped Mexico posterior: the default `continuity calibrate` (docs/calibration.md), copied into
# the package. Resumes an interrupted calibration in calibrations/mexico.
posterior: setup
	$(BIN)/continuity calibrate abc.out=calibrations/mexico $(ARGS)
	mkdir -p sim/data/posterior
	cp calibrations/mexico/posterior.parquet sim/data/posterior/mexico.parquet

bench: setup
	$(BIN)/python benchmarks/run_all.py $(ARGS)

bench-quick: setup
	$(BIN)/python benchmarks/run_all.py --quick $(ARGS)

test-fast: setup-dev
	$(BIN)/pytest -n 2 -m "not slow"

format: setup-dev
	$(BIN)/ruff check --fix sim experiments analysis tests benchmarks
	$(BIN)/ruff format sim experiments analysis tests benchmarks

lock:
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet .
	.lock-venv/bin/python -m pip freeze --exclude continuity > .lock-runtime.txt
	.lock-venv/bin/python -m pip install --quiet ".[dev]" -c .lock-runtime.txt
	.lock-venv/bin/python -m pip freeze --exclude continuity > .lock-all.txt
	{ echo "# Runtime dependencies, pinned: what 'make run' and 'pip install .' need (no dev tools)."; \
	  echo "# Regenerate with 'make lock' after changing pyproject.toml."; \
	  cat .lock-runtime.txt; } > requirements.lock
	{ echo "# Development dependencies, pinned (tests, lint, notebooks, browser test, data-contract"; \
	  echo "# readers polars and DuckDB): installed on top of requirements.lock by 'make test'."; \
	  echo "# Regenerate with 'make lock' after changing pyproject.toml."; \
	  grep -v -x -F -f .lock-runtime.txt .lock-all.txt; } > requirements-dev.lock
	rm -rf .lock-venv .lock-runtime.txt .lock-all.txt

clean:
	rm -rf $(VENV) outputs dist .pytest_cache
