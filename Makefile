# The two commands a newcomer needs: `make serve` and `make test`.
# Everything installs into .venv from pinned versions (constraints.txt).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install serve test check lock clean bench

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

test: $(STAMP)
	$(BIN)/python -m pytest

# Search benchmark against SQLite FTS5 (tests/bench/, never run by `make test`); quick run: make bench SIZES=1000
SIZES ?= 1000,10000,50000
bench: $(STAMP)
	$(BIN)/python -m tests.bench.run --sizes $(SIZES) $(BENCH_ARGS)

check: $(STAMP)
	$(BIN)/archive check

serve: $(STAMP)
	$(BIN)/archive check
	$(BIN)/archive index
	$(BIN)/archive serve

# Re-pin every dependency (run after changing pyproject.toml, then commit constraints.txt).
lock:
	rm -rf /tmp/archive-lock-venv
	$(PYTHON) -m venv /tmp/archive-lock-venv
	/tmp/archive-lock-venv/bin/python -m pip install --quiet --upgrade pip
	/tmp/archive-lock-venv/bin/python -m pip install --quiet -e '.[test]'
	/tmp/archive-lock-venv/bin/python -m pip freeze --exclude-editable | grep -v '^-e' > constraints.txt

clean:
	rm -rf $(VENV) instance .pytest_cache tests/bench/out
