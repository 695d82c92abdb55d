# The two commands a newcomer needs: `make serve` and `make test`.
# Everything installs into .venv from pinned versions (constraints.txt).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install serve test check lock clean bench relevance translations faults load peer

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# axe-core for the accessibility tests: the version pinned in tests/browser/axe-core.lock.json, sha512-checked.
AXE_LOCK := tests/browser/axe-core.lock.json
AXE := $(VENV)/share/axe-core/$(shell sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' $(AXE_LOCK))/axe.min.js

$(AXE): $(AXE_LOCK) | $(STAMP)
	$(BIN)/python tests/browser/fetch_axe.py
	touch $@

test: $(STAMP) $(AXE)
	$(BIN)/python -m pytest

# Benchmark beside SQLite FTS5 and Tantivy, and the real server's memory and first request (tests/bench/run.py,
# never run by `make test`). Quick run: make bench SIZES=1000; one part: make bench PHASES=server ENGINES=ours
# (PHASES: build,update,queries,server; ENGINES: ours,fts5,tantivy; SIZES up to 100000 or 100k).
SIZES ?= 1000,10000,100000
bench: $(STAMP)
	$(BIN)/python -m tests.bench.run --sizes $(SIZES) $(if $(PHASES),--phases $(PHASES)) \
		$(if $(ENGINES),--engines $(ENGINES)) $(BENCH_ARGS)

# Relevance against hand judgments, beside SQLite FTS5 (tests/bench/relevance*.py; not run by `make test`).
relevance: $(STAMP)
	$(BIN)/python -m tests.bench.relevance --markdown tests/bench/out/relevance.md $(RELEVANCE_ARGS)

# Stress runs on loopback (tests/bench/, never run by `make test`); each prints its table.
# Sizes and durations are overridable, e.g. make load SIZE=1000 DURATION=5 LEVELS=1,4
STRESS_ARGS = $(if $(SIZE),--size $(SIZE)) $(if $(DURATION),--duration $(DURATION))
faults: $(STAMP)
	$(BIN)/python -m tests.bench.faults $(if $(SIZE),--size $(SIZE)) $(FAULTS_ARGS)

load: $(STAMP)
	$(BIN)/python -m tests.bench.load $(STRESS_ARGS) $(if $(LEVELS),--levels $(LEVELS)) $(LOAD_ARGS)

# Datasette is installed only into .venv-peer, from the exact versions in tests/bench/peer-requirements.txt.
PEER_STAMP := .venv-peer/.installed
$(PEER_STAMP): tests/bench/peer-requirements.txt
	$(PYTHON) -m venv .venv-peer
	.venv-peer/bin/python -m pip install --quiet -r tests/bench/peer-requirements.txt
	touch $@

peer: $(STAMP) $(PEER_STAMP)
	$(BIN)/python -m tests.bench.peer $(STRESS_ARGS) $(if $(CLIENTS),--clients $(CLIENTS)) $(PEER_ARGS)

# Interface languages: extract every string (babel.cfg) -> update each catalogue -> compile the .mo files.
# New strings arrive empty (or fuzzy): translate them in web/translations/<lang>/LC_MESSAGES/messages.po, then run again.
translations: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k lazy_gettext -k _l -k N_ --no-location --sort-output \
		--project="Idlib Testimony Archive" --copyright-holder="Idlib Testimony Archive project" \
		-o web/translations/messages.pot .
	$(BIN)/pybabel update -i web/translations/messages.pot -d web/translations --ignore-obsolete
	$(BIN)/pybabel compile -d web/translations --statistics

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
	rm -rf $(VENV) .venv-peer instance .pytest_cache tests/bench/out
