# motcua — the two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt | cksum | cut -d' ' -f1)

.PHONY: demo test install lint openapi messages bench bench-smoke clean

# the browser tests' tools from npm (axe-core; package-lock.json pins them): installed with `npm ci`
NPM_STAMP := node_modules/.installed-$(shell cat package.json package-lock.json | cksum | cut -d' ' -f1)

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	rm -f $(VENV)/.installed-* && touch $(STAMP)

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $(NPM_STAMP)

install: $(STAMP) $(NPM_STAMP)

## Run the demo: SQLite database under var/, demo data, server on http://127.0.0.1:8000, a background worker
## and the webhook stand-in on http://127.0.0.1:8010 (all three stop together on Ctrl-C)
demo: $(STAMP)
	$(BIN)/motcua migrate --no-input
	$(BIN)/motcua load_demo
	$(BIN)/motcua demo --addr 127.0.0.1:8000 --standin-port 8010 --portal-port 8011

## Run the whole suite: lint, import rules, tests (SQLite, or PostgreSQL when DATABASE_URL is set), bench smokes
test: $(STAMP) $(NPM_STAMP)
	$(BIN)/ruff check src tests bench scripts conftest.py
	$(BIN)/ruff format --check src tests bench scripts conftest.py
	$(BIN)/pytest -q
	$(MAKE) --no-print-directory bench-smoke

lint: $(STAMP)
	$(BIN)/ruff check --fix src tests bench scripts conftest.py
	$(BIN)/ruff format src tests bench scripts conftest.py

## Regenerate the committed OpenAPI document after an API change
openapi: $(STAMP)
	$(BIN)/motcua export_openapi docs/openapi.json

## Compile the translation catalogues (src/motcua/locale/*/LC_MESSAGES/*.po, needs GNU gettext's msgfmt);
## commit the .mo files with the .po (a test checks that they agree)
messages:
	for po in src/motcua/locale/*/LC_MESSAGES/*.po; do msgfmt --check -o "$${po%.po}.mo" "$$po" || exit 1; done

bench: $(STAMP)
	$(BIN)/python bench/workdays_bench.py

## Every bench's --smoke run (tiny sizes, same path; issue 8): the runner's tests, then bench/smoke.py.
## PostgreSQL ones are required when DATABASE_URL is a postgres URL, else run only if 127.0.0.1 answers.
bench-smoke: $(STAMP)
	$(BIN)/pytest -q -p no:cacheprovider bench/test_smoke.py
	$(BIN)/python bench/smoke.py

## PostgreSQL benchmarks of issue 4 (throw-away databases; options: make bench-queue BENCH_ARGS="--dossiers 100000")
.PHONY: bench-intake bench-queue
bench-intake: $(STAMP)
	$(BIN)/python bench/intake_http.py $(BENCH_ARGS)

bench-queue: $(STAMP)
	$(BIN)/python bench/queue_scale.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache .hypothesis
