# Thin wrappers: the work lives in tasks.py (Invoke). Needs Python 3.11+, make, git.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: build test serve clean

build: $(INSTALLED)
	$(BIN)/invoke build

test: $(INSTALLED)
	$(BIN)/invoke test

serve: $(INSTALLED)
	$(BIN)/invoke serve

clean: $(INSTALLED)
	$(BIN)/invoke clean

$(INSTALLED): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@
