# Continuity — the two commands: `make run` and `make test`.
# Both create .venv with the system python3 and install the pinned dependencies first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: setup run test test-fast lint format lock clean help bench bench-quick browser baseline slurm slurm-down

help:
	@echo "make run    - set up, then run the default Mexico scenario (summary + results + figure)"
	@echo "make test   - set up, then lint and run the whole test suite"
	@echo "make lint   - ruff check + format check"
	@echo "make lock   - re-pin requirements.lock from pyproject.toml"
	@echo "make bench  - set up, then run every benchmark (benchmarks/results.json, scaling.png)"
	@echo "make baseline - refresh the golden regression baseline (tests/golden/); flag it in CHANGELOG"
	@echo "make slurm  - start the one-node SLURM test cluster (.ci/slurm-up; root); make slurm-down stops it"

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $(STAMP)

setup: $(STAMP)

run: setup
	$(BIN)/continuity run $(ARGS)

lint: setup
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

bench: setup
	$(BIN)/python benchmarks/run_all.py $(ARGS)

bench-quick: setup
	$(BIN)/python benchmarks/run_all.py --quick $(ARGS)

test-fast: setup
	$(BIN)/pytest -n 2 -m "not slow"

format: setup
	$(BIN)/ruff check --fix sim experiments analysis tests benchmarks
	$(BIN)/ruff format sim experiments analysis tests benchmarks

lock:
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet ".[dev]"
	{ echo "# Pinned versions of every dependency (runtime + dev), installed by 'make'."; \
	  echo "# Regenerate with 'make lock' after changing pyproject.toml."; \
	  .lock-venv/bin/python -m pip freeze --exclude continuity; } > requirements.lock
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) outputs .pytest_cache
