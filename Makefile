# zjanalysis — every target sets up .venv from requirements-dev.lock on first use.
# `make` alone lists the targets.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.zjanalysis-installed
DATA   ?= data/demo
AS_OF  ?=
YEAR   ?=
FORCE  ?=
UPGRADE ?=
KERNEL := zjanalysis
PY_SOURCES := src tests benchmarks tools setup.py
# Universal (every OS and Python >= 3.11), hashed; uv keeps the pins already in
# the lock files unless UPGRADE=1.
LOCK_FLAGS := --quiet --universal --generate-hashes --python-version 3.11 \
	--custom-compile-command "make lock" $(if $(UPGRADE),--upgrade)

REPORT_ARGS := --data $(DATA) $(if $(AS_OF),--as-of $(AS_OF)) $(if $(YEAR),--year $(YEAR)) $(if $(FORCE),--force)

.DEFAULT_GOAL := help
.PHONY: help env lock lab data demo-data report test test-unit test-notebooks bench lint format clean

help: ## List the targets
	@echo "zjanalysis — 湛江市固定资产投资分析 (make TARGET)"
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[36m%-15s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)
	@echo "Variables: DATA=$(DATA) AS_OF=YYYY-MM YEAR=YYYY FORCE=1"

$(STAMP): requirements.lock requirements-dev.lock pyproject.toml
	@echo ">> 建立 Python 环境 .venv（首次约需 1 分钟）/ setting up .venv"
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found %s)" % sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "zjanalysis (.venv)" >/dev/null
	@touch $(STAMP)

env: $(STAMP) ## Create .venv with the locked dependencies, the package (editable) and the kernel "zjanalysis (.venv)"

lock: env ## Regenerate requirements.lock (runtime) and requirements-dev.lock with uv (needs the network; UPGRADE=1 to move pins)
	$(BIN)/uv pip compile pyproject.toml $(LOCK_FLAGS) -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --extra dev -c requirements.lock $(LOCK_FLAGS) -o requirements-dev.lock

lab: env ## Open JupyterLab on notebooks/ with the project's environment
	$(BIN)/jupyter lab notebooks/ $(if $(filter 0,$(shell id -u 2>/dev/null)),--allow-root)

data: env ## Check data/raw against MANIFEST.csv and validate DATA (default data/demo)
	$(BIN)/zjanalysis validate $(DATA)

demo-data: env ## Regenerate data/demo, data/demo-dirty and data/demo-history from the seeded generator
	$(BIN)/python tools/make_demo_data.py

report: env ## Build the HTML/Excel reports from DATA into outputs/<as_of>/
	@$(BIN)/zjanalysis report $(REPORT_ARGS)

test: env ## Run every test: package, notebooks (nbval), browser check, style
	$(BIN)/ruff check $(PY_SOURCES)
	$(BIN)/ruff format --check $(PY_SOURCES)
	$(BIN)/python -m pytest
	$(BIN)/python -m pytest --doctest-modules src/zjanalysis
	$(BIN)/python -m pytest --nbval-lax --nbval-kernel-name $(KERNEL) -p no:randomly notebooks/

bench: env ## Time loading, scoring, forecasting and the report pipeline
	$(BIN)/python -m benchmarks

lint: env ## Check style with ruff
	$(BIN)/ruff check $(PY_SOURCES)
	$(BIN)/ruff format --check $(PY_SOURCES)

format: env ## Format the code with ruff
	$(BIN)/ruff format $(PY_SOURCES)
	$(BIN)/ruff check --fix $(PY_SOURCES)

clean: ## Remove outputs and caches (never data/raw)
	rm -rf outputs/* data/interim/* data/processed/* .pytest_cache .ruff_cache .hypothesis
	find . -name __pycache__ -type d -prune -not -path './.venv/*' -exec rm -rf {} +
	git checkout -- outputs/.gitkeep data/interim/.gitkeep data/processed/.gitkeep 2>/dev/null || true
