# dealkit: the two commands of the README, and their helpers.
#   make report   every notebook on the embedded deal -> reports/ (HTML, index, deal-report.html)
#   make test     lint (ruff), types (mypy), then the whole test suite with the doctests (installs
#                 Debian's chromium, LibreOffice Calc and poppler for the real-component tests if missing)
#   make lint     ruff check, ruff format --check and mypy only
#   make lab      JupyterLab on notebooks/ in the project's environment
#   make app      the explorers as a Voila app on localhost:8866 (PORT=N make app)
#   make export   deal.xlsx, ocf/, CSV and .ics into exports/ (no notebook runs)
#   make bench    the benchmarks (on demand; not part of the tests)
# Each target creates and reuses the virtual environment .venv (Python 3.11, pip).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.dealkit-installed

.PHONY: report test lint lab bench check chromium libreoffice poppler app export clean fuzz

report: $(STAMP)
	$(BIN)/dealkit report --out reports

test: $(STAMP) chromium libreoffice poppler lint
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

lab: $(STAMP)
	$(BIN)/jupyter lab --ServerApp.root_dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root)

bench: $(STAMP)
	$(BIN)/python benchmarks/report_bench.py
	$(BIN)/python benchmarks/option_bench.py
	$(BIN)/python benchmarks/notes_bench.py
	$(BIN)/python benchmarks/risk_bench.py
	$(BIN)/python benchmarks/export_bench.py
	$(BIN)/python benchmarks/explorer_bench.py

check: $(STAMP)
	$(BIN)/dealkit check

# The explorers (notes, escrow, option, ...) as a Voila app: widgets and charts, no code.
PORT ?= 8866
app: $(STAMP)
	$(BIN)/dealkit app --port $(PORT)

export: $(STAMP)
	$(BIN)/dealkit export --format xlsx,ocf,csv,ics --out exports

# The full property, fuzz and kill runs (the suite runs a sample of each).
fuzz: $(STAMP) chromium libreoffice poppler
	DEALKIT_FULL=1 $(BIN)/python -m pytest

# The environment is rebuilt when pyproject.toml changes.
# rfc3987-syntax (pulled in by jupyterlab -> jupyter-events -> jsonschema[format-nongpl]) builds
# parsers at import time and costs ~1 s in every process that imports nbformat (the report
# runner and every kernel); jsonschema only skips the "iri" format checks without it.
# See notebook-pitfalls.md, python-jsonschema/jsonschema#1428.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -qq --upgrade pip
	$(BIN)/python -m pip install -qq --editable '.[dev]'
	$(BIN)/python -m pip uninstall --quiet --yes rfc3987-syntax
	touch $@

# Debian's chromium for the headless browser test (no browser download from anywhere else).
chromium:
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		echo "installing Debian's chromium (once)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	elif command -v sudo >/dev/null 2>&1; then \
		sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else echo "chromium is missing and cannot be installed here (need root or sudo)" >&2; exit 1; fi

# Debian's LibreOffice Calc (headless) for the workbook test: it recalculates deal.xlsx.
libreoffice:
	@if command -v soffice >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		echo "installing Debian's libreoffice-calc-nogui (once)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libreoffice-calc-nogui >/dev/null; \
	elif command -v sudo >/dev/null 2>&1; then \
		sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libreoffice-calc-nogui >/dev/null; \
	else echo "LibreOffice is missing and cannot be installed here (need root or sudo)" >&2; exit 1; fi

# Debian's poppler-utils (pdftotext, pdfinfo) for the test that prints the combined report to PDF.
poppler:
	@if command -v pdftotext >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		echo "installing Debian's poppler-utils (once)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null; \
	elif command -v sudo >/dev/null 2>&1; then \
		sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null; \
	else echo "pdftotext is missing and cannot be installed here (need root or sudo)" >&2; exit 1; fi

clean:
	rm -rf $(VENV) reports exports .pytest_cache
