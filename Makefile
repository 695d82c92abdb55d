# The two commands a newcomer needs: `make serve` and `make test`.
# Everything installs into .venv from pinned versions (constraints.txt).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install serve test check lock clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

test: $(STAMP)
	$(BIN)/python -m pytest

check: $(STAMP)
	$(BIN)/archive check

serve: $(STAMP)
	$(BIN)/archive check
	@echo "The public site arrives with a later issue; for now 'make serve' installs and checks the sample collection."

# Re-pin every dependency (run after changing pyproject.toml, then commit constraints.txt).
lock:
	rm -rf /tmp/archive-lock-venv
	$(PYTHON) -m venv /tmp/archive-lock-venv
	/tmp/archive-lock-venv/bin/python -m pip install --quiet --upgrade pip
	/tmp/archive-lock-venv/bin/python -m pip install --quiet -e '.[test]'
	/tmp/archive-lock-venv/bin/python -m pip freeze --exclude-editable | grep -v '^-e' > constraints.txt

clean:
	rm -rf $(VENV) instance .pytest_cache
