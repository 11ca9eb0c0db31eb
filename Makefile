# Two commands on a fresh machine: `make demo` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup demo test lab fonts browser office clean

setup: $(STAMP) fonts browser office

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[dev]'
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (bulletin)" >/dev/null
	touch $(STAMP)

fonts:
	@sh scripts/install-fonts.sh

# Debian's chromium for the browser tests (Playwright drives it; Playwright's own browser download is not used).
browser:
	@sh scripts/install-browser.sh

# Pango for WeasyPrint (PDF) and LibreOffice headless (the test that opens a .docx in a real word processor).
office:
	@sh scripts/install-office.sh

demo: setup
	$(BIN)/bulletin demo

test: setup
	$(BIN)/python -m pytest

# The notebooks' default parameters read the demo district yunhe: write the demo first if it is missing.
lab: setup
	test -d data/yunhe || $(BIN)/bulletin demo
	$(BIN)/jupyter lab notebooks/

clean:
	rm -rf $(VENV) outputs/* data/*
	touch outputs/.gitkeep data/.gitkeep
