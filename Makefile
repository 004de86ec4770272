# The commands people type. A fresh machine needs only Rust (rustup) and Python 3: everything else
# is installed here, pinned (requirements-*.txt, Cargo.lock).
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV       := .venv
FHIR_VENV  := .venv-fhir
CHECKOV_VENV := .venv-checkov
STACK_FILE := .portal-local/stack.json
PORT       ?= 3000
WEB_PORT   ?= 5173
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
# No colour codes in CI logs; quieter pip.
export CARGO_TERM_COLOR ?= never
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help dev test lint fmt build watch invoke token outbox deploy venv deploy-tools rust-tools clean bench contract
.PHONY: web-install web-build web-test web-e2e chromium

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(VENV)/.dev-installed: requirements-dev.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q -r requirements-dev.txt
	touch $@

$(FHIR_VENV)/.installed: requirements-fhir.txt
	python3 -m venv $(FHIR_VENV)
	$(FHIR_VENV)/bin/pip install -q -r requirements-fhir.txt
	touch $@

$(CHECKOV_VENV)/.installed: requirements-checkov.txt
	python3 -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install -q -r requirements-checkov.txt
	touch $@

$(VENV)/.deploy-installed: requirements-deploy.txt $(VENV)/.dev-installed
	$(VENV)/bin/pip install -q -r requirements-deploy.txt
	touch $@

venv: $(VENV)/.dev-installed $(FHIR_VENV)/.installed $(CHECKOV_VENV)/.installed ## Install the local-stack and lint tools into .venv/ (the FHIR validator: .venv-fhir/, checkov: .venv-checkov/)

deploy-tools: $(VENV)/.deploy-installed ## Install AWS SAM CLI and cargo-lambda into .venv/

rust-tools:
	@cargo fmt --version >/dev/null 2>&1 || rustup component add rustfmt
	@cargo clippy --version >/dev/null 2>&1 || rustup component add clippy

dev: venv web-build ## Start the local stack with demo data: API at http://127.0.0.1:3000, web app at :5173
	cargo run -p portal-local -- up --seed demo --port $(PORT) --web-port $(WEB_PORT) --stack-file $(STACK_FILE)

test: venv rust-tools lint web-test ## Every check and every test (what CI runs)
	cargo test --workspace --no-fail-fast
	cd infra/deploy && ../../$(VENV)/bin/python -m unittest -q test_publish_web
	$(MAKE) --no-print-directory contract
	$(MAKE) --no-print-directory web-e2e

lint: venv rust-tools ## cargo fmt --check, clippy -D warnings, cfn-lint (with the serverless rules), checkov
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings
	cfn-lint template.yaml -a cfn_lint_serverless.rules
	CKV_SKIP_PACKAGE_UPDATE_CHECK=true $(CHECKOV_VENV)/bin/checkov --file template.yaml --framework cloudformation --skip-download --quiet --compact

# tests/contract/run.py starts its own stack (demo data, a free port) and stops it, even on failure.
contract: venv ## The API keeps docs/openapi.yaml: schemathesis as a patient, a caregiver and each staff role
	cargo build -q -p portal-local
	$(VENV)/bin/python tests/contract/run.py

fmt: ## Format the code
	cargo fmt --all

build: deploy-tools ## Release build of every function for Lambda (arm64): target/lambda/<fn>/bootstrap
	rustup target add aarch64-unknown-linux-gnu
	cargo lambda build --release --arm64 --workspace --exclude portal-local --exclude portal-tests --exclude portal-shared --exclude portal-bench-floor

watch: deploy-tools ## Run the functions under cargo lambda watch against the local stack (make dev first)
	@test -f $(dir $(STACK_FILE))functions.env || { echo "Start the local stack first: make dev"; exit 1; }
	cargo lambda watch --invoke-address 127.0.0.1 --invoke-port 9000 --env-file $(dir $(STACK_FILE))functions.env

# invoke's own default address is ::1, and watch listens on 127.0.0.1 only: both recipes name it.
invoke: ## Invoke a function under `make watch` with events/$(EVENT).json, ids swapped for the demo's
	@test -n "$(EVENT)" || { echo "usage: make invoke EVENT=get-profile [FUNCTION=profile]"; exit 1; }
	@test -f $(STACK_FILE) || { echo "Start the local stack (make dev) and the functions (make watch) first"; exit 1; }
	cargo run -q -p portal-local -- event events/$(EVENT).json --stack-file $(STACK_FILE) > $(dir $(STACK_FILE))event.json
	cargo lambda invoke $(or $(FUNCTION),profile) --invoke-address 127.0.0.1 --invoke-port 9000 --data-file $(dir $(STACK_FILE))event.json

outbox: ## Print every email and text the running local stack has sent (make dev first)
	@cargo run -q -p portal-local -- outbox --stack-file $(STACK_FILE)

token: ## Print a demo user's ID token: make token WHO=frontdesk
	@cargo run -q -p portal-local -- token $(WHO) --stack-file $(STACK_FILE)

deploy: build web-build ## sam build + sam deploy --guided, then the web app to its bucket (config from the stack's outputs)
	sam build
	sam deploy --guided
	$(VENV)/bin/python infra/deploy/publish_web.py

clean: ## Remove build output and the local stack's files
	cargo clean
	rm -rf .aws-sam .portal-local

# The API binary of every function and the hello-world floor (bench/floor), native release builds
# with the workspace profile: `make bench` launches each under its own Lambda Runtime API emulator.
# Built as packages (not `--bin` over the workspace) so features unify as in `make build`.
BENCH_FUNCTIONS := appointments audit auth care-circle education feedback messages notifications profile records refills rollout staff support

bench: venv web-build ## Print each function's cold start, memory, CPU and zip size against a hello-world floor, latency figures of the local stack, and the web app's bundle sizes
	cargo build --release -q -p portal-bench-floor $(addprefix -p portal-,$(BENCH_FUNCTIONS)) --bin bench-floor $(addprefix --bin ,$(BENCH_FUNCTIONS))
	cargo run --release -q -p portal-tests --bin bench
	cd web && npm run -s bundle-size

# The web app (web/): Node.js 20.19+ and npm from the machine, every package pinned in package-lock.json.
web/node_modules/.installed: web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund
	touch $@

web-install: web/node_modules/.installed ## Install the web app's packages (npm ci)

web-build: web-install ## Build the web app into web/dist (make dev serves it)
	cd web && npm run -s build

web-test: web-install ## Web app: generated API types match docs/openapi.yaml, type check, Vitest
	cd web && npm run -s check:api && npm run -s typecheck && npm test

# Playwright cannot download its own browser here: Debian's Chromium (CI runs as root).
chromium:
	@test -x /usr/bin/chromium || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; }

web-e2e: venv web-build chromium ## Browser tests: Chromium drives the web app on the local stack (phone and desktop); screenshots in web/e2e/screenshots/
	cargo build -q -p portal-local
	cd web && npm run -s e2e
