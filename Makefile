# The two commands of the README: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := run

NODE_MODULES_STAMP := node_modules/.package-lock.json

.PHONY: run test install build lint typecheck unit e2e infra bench clean

$(NODE_MODULES_STAMP): package.json package-lock.json backend/package.json frontend/package.json packages/shared/package.json
	npm ci --no-audit --no-fund
	@touch $(NODE_MODULES_STAMP)

install: $(NODE_MODULES_STAMP)

build: install
	npm run build

## Install, build, migrate and start API + WebSocket + worker + web client on HOST:PORT (127.0.0.1:8000).
run: build
	npm run migrate
	npm start

## Lint, typecheck and every test (unit, integration against real services, browser, infrastructure).
test: build
	npm run lint
	npm run typecheck
	npm run validate:infra
	npm test

bench: build
	npm run bench

clean:
	rm -rf node_modules */node_modules packages/*/node_modules */dist packages/*/dist
