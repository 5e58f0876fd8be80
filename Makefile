# Thin wrappers: the work lives in tasks.py (Invoke). Needs Python 3.11+, make, git.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
# npm tools for the audits (vnu, axe-core, Lighthouse), pinned in tools/npm/package-lock.json.
NPM_DIR := tools/npm
NPM_INSTALLED := $(NPM_DIR)/node_modules/.package-lock.json

.PHONY: build test serve clean

build: $(INSTALLED)
	$(BIN)/invoke build

test: $(INSTALLED) npm-tools
	$(BIN)/invoke test

serve: $(INSTALLED)
	$(BIN)/invoke serve

clean: $(INSTALLED)
	$(BIN)/invoke clean

# Lighthouse, vnu and axe per page type; PNGs for editors (docs/publishing.md: "Auditing").
audit screenshots: $(INSTALLED) npm-tools
	$(BIN)/invoke $@

# The pinned lock, then this repository's own packages (the plugin and the
# editor tools) installed editable, as a newsroom would pip install them.
$(INSTALLED): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

# Without npm the browser and vnu tests skip, saying why (CI installs npm and requires them).
.PHONY: npm-tools audit screenshots
npm-tools:
	@if [ -f $(NPM_INSTALLED) ] && [ $(NPM_INSTALLED) -nt $(NPM_DIR)/package-lock.json ]; then :; \
	elif command -v npm >/dev/null 2>&1; then \
	  cd $(NPM_DIR) && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error; \
	else echo "npm not found: the vnu, axe and browser tests will skip"; fi
