# The only task runner. Every target creates and uses .venv itself.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8080

.PHONY: serve test lint bench compare bench-tools fuzz clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(VENV)/.installed $@

# Bytecode first (only what changed): an editable install under PYTHONDONTWRITEBYTECODE=1 would compile every
# module from source on each start, 70-110 ms; pip compiles an installed wheel the same way.
serve: $(VENV)/.installed
	$(BIN)/python -m compileall -q mockserver contracts >/dev/null
	$(BIN)/mockserver serve --host $(HOST) --port $(PORT)

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest -q

lint: $(VENV)/.installed-test
	$(BIN)/ruff check mockserver contracts tests
	$(BIN)/mypy

bench: $(VENV)/.installed-test
	$(BIN)/python -m benchmarks

# Side by side with a bare starlette app and aimock (wrk load, pinned CPUs, medians; see benchmarks/README.md).
# Without wrk or aimock it prints how to install them and skips that part; `make bench-tools` installs aimock.
compare: $(VENV)/.installed-test
	$(BIN)/python -m benchmarks.compare --aimock-dir .bench/aimock

bench-tools:
	npm install --prefix .bench/aimock --no-audit --no-fund @copilotkit/aimock@1.43.0
	@command -v wrk >/dev/null || echo "wrk is not installed: apt-get install -y wrk"

# The long fuzz profile: 100k+ hostile requests over every operation and the admin API; prints counts by outcome.
fuzz: $(VENV)/.installed-test
	FUZZ_PROFILE=long $(BIN)/python -m pytest -q tests/fuzz

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
