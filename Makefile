# The two commands of the README: `make run` and `make test`.
# Every step leaves a stamp file and reruns only when one of its inputs is newer, so a second `make run`
# with nothing changed goes straight to starting the server.
SHELL := /bin/bash
.DEFAULT_GOAL := run

NODE_MODULES_STAMP := node_modules/.package-lock.json
SHARED_STAMP := packages/shared/dist/.built
BACKEND_STAMP := backend/dist/.built
FRONTEND_STAMP := frontend/dist/.built

PACKAGE_FILES := package.json package-lock.json backend/package.json frontend/package.json packages/shared/package.json
SHARED_SRC := $(shell find packages/shared/src -type f) packages/shared/tsconfig.json packages/shared/tsconfig.build.json tsconfig.base.json
BACKEND_SRC := $(shell find backend/src backend/scripts -type f) backend/tsconfig.json backend/tsconfig.build.json
FRONTEND_SRC := $(shell find frontend/src frontend/build -type f) frontend/index.html frontend/vite.config.ts frontend/tsconfig.json

.PHONY: run test install build node-version lint typecheck unit e2e infra bench clean

node-version:
	@node -e 'const [major, minor] = process.versions.node.split(".").map(Number); if (major < 20 || (major === 20 && minor < 19)) { console.error(`messaging-app needs Node.js 20.19 or newer; this is $${process.version}.`); process.exit(1); }'

$(NODE_MODULES_STAMP): $(PACKAGE_FILES) | node-version
	@echo "==> Installing dependencies (npm ci): first run or package files changed, this takes a few minutes"
	npm ci --no-audit --no-fund
	@touch $@

install: $(NODE_MODULES_STAMP)

$(SHARED_STAMP): $(NODE_MODULES_STAMP) $(SHARED_SRC)
	@echo "==> Building packages/shared"
	npm run build -w packages/shared --silent
	@touch $@

$(BACKEND_STAMP): $(SHARED_STAMP) $(BACKEND_SRC)
	@echo "==> Building the backend"
	npm run build -w backend --silent
	@touch $@

# The client consumes the shared package as TypeScript source.
$(FRONTEND_STAMP): $(NODE_MODULES_STAMP) $(SHARED_SRC) $(FRONTEND_SRC)
	@echo "==> Building the web client"
	npm run build -w frontend --silent
	@touch $@

build: $(BACKEND_STAMP) $(FRONTEND_STAMP)

## Install and build (each only when its inputs changed), then start API + WebSocket + worker + web client
## on HOST:PORT (127.0.0.1:8000). Role `all` applies pending migrations before it listens.
run: build | node-version
	@node backend/dist/main.js

## Lint, typecheck and every test (unit, integration against real services, browser, infrastructure),
## with the time of each step at the end.
test: build
	@bash scripts/make-test.sh

bench: build
	npm run bench

clean:
	rm -rf node_modules */node_modules packages/*/node_modules */dist packages/*/dist
