# The one entry point; the README mirrors it.
SHELL := /bin/bash
FUNCTIONS := $(notdir $(wildcard functions/*))
GOFLAGS_LAMBDA := -tags lambda.norpc -trimpath -ldflags='-s -w'

.PHONY: build build-host test test-go test-sdk test-infra test-web deployed-test bench cost load load-compare dev dev-reset synth tools fmt-check vet openapi lint-openapi

## build: one arm64 bootstrap per function under build/functions/<name>/
build: $(addprefix build-,$(FUNCTIONS))

build-%:
	@mkdir -p build/functions/$*
	CGO_ENABLED=0 GOOS=linux GOARCH=arm64 go build $(GOFLAGS_LAMBDA) -o build/functions/$*/bootstrap ./functions/$*

## openapi: regenerate docs/openapi.json from the route table and the
## handlers' types (make test fails while the checked-in one is stale)
openapi:
	go run ./internal/openapi/gen

## lint-openapi: Redocly's linter (pinned in tools/redocly) on docs/openapi.json
lint-openapi:
	cd tools/redocly && npm ci --no-audit --no-fund --silent
	tools/redocly/node_modules/.bin/redocly lint --config tools/redocly/redocly.yaml docs/openapi.json

## build-host: the same bootstraps (same flags and tags) for this machine's
## architecture, under build/host/functions/<name>/, for make deployed-test
build-host:
	@rm -rf build/host && mkdir -p build/host/bin
	CGO_ENABLED=0 GOOS=linux go build $(GOFLAGS_LAMBDA) -o build/host/bin/ ./functions/...
	@for f in build/host/bin/*; do mkdir -p build/host/functions/$$(basename $$f) && mv $$f build/host/functions/$$(basename $$f)/bootstrap; done

## Amazon's Lambda Runtime Interface Emulator, installed once into the git-ignored .local/
RIE_VERSION := v0.0.0-20261030222936-bef5c4ba774d
RIE := .local/bin/rie-$(RIE_VERSION)/aws-lambda-rie
$(RIE):
	GOBIN=$(abspath $(dir $(RIE))) go install github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie@$(RIE_VERSION)

## deployed-test: run the template for real (internal/deploytest): the harness
## serves a dev IdP over HTTPS, synthesizes the stack (the CDK app, built here)
## with the host-architecture bootstraps and that IdP as a provider, then runs
## each function under the emulator with the template's environment, its
## tables on DynamoDB Local, its secrets in a Secrets Manager stand-in, its
## HTTP API routes, and the API suite through them.
deployed-test: tools build-host $(RIE)
	@rm -rf build/deployed && mkdir -p build/deployed
	go build -o build/deployed/sentinel ./cmd/sentinel
	cd infra && go build -o ../build/deployed/synth .
	SENTINEL_SYNTH=$(abspath build/deployed/synth) SENTINEL_ASSETS=$(abspath build/host/functions) \
	  SENTINEL_RIE=$(abspath $(RIE)) SENTINEL_CLI=$(abspath build/deployed/sentinel) \
	  SENTINEL_COLD_STARTS=$(abspath build/deployed/cold-starts.md) \
	  ./scripts/with-dynamodb.sh go test -count=1 -timeout 30m -tags deployed ./internal/deploytest/

## tools: what the tests and the local stack need (DynamoDB Local, Go modules)
tools:
	./scripts/install-dynamodb-local.sh
	go mod download

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './admin-web/*')); \
	  if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	go vet ./...
	go vet -tags deployed ./internal/deploytest/

## test: everything CI runs
test: tools fmt-check vet test-go test-sdk lint-openapi test-infra deployed-test test-web

test-go:
	./scripts/with-dynamodb.sh go test -count=1 ./...

## test-sdk: the Go SDK's own module (sdk/go: no dependency beyond the standard
## library); its tests against the API are internal/sdktest, part of test-go
test-sdk:
	@cd sdk/go && go mod tidy -diff || { echo "sdk/go/go.mod is not tidy: run (cd sdk/go && go mod tidy)"; exit 1; }
	cd sdk/go && go vet ./... && go test -count=1 ./...

## bench: the Go benchmarks the README's performance section reports
bench: tools
	./scripts/with-dynamodb.sh go test -run '^$$' -bench . -benchmem ./...

## load: the load tool (internal/load): starts its own local stack on free ports,
## seeds 10 000 resources, runs single and batch checks, accessible and resolve;
## LOAD_FLAGS='-concurrency 16 -duration 10s -resources 10000' to change the shape
load: tools
	go build -o .local/bin/sentinel ./cmd/sentinel
	.local/bin/sentinel load $(LOAD_FLAGS)

## load-compare: the same, and the single checks against OpenFGA (memory datastore,
## go install'ed once into .local/bin) seeded with the same shape; prints the CPU ratio
OPENFGA_VERSION := $(shell sed -n 's/^const OpenFGAVersion = "\(.*\)"/\1/p' internal/load/openfga.go)
load-compare: tools .local/bin/openfga-$(OPENFGA_VERSION)
	go build -o .local/bin/sentinel ./cmd/sentinel
	.local/bin/sentinel load --openfga .local/bin/openfga-$(OPENFGA_VERSION) $(LOAD_FLAGS)

.local/bin/openfga-$(OPENFGA_VERSION):
	mkdir -p .local/gobin
	GOBIN=$(CURDIR)/.local/gobin go install github.com/openfga/openfga/cmd/openfga@$(OPENFGA_VERSION)
	mv .local/gobin/openfga $@

## cost: the cost model of checks (internal/cost): per 1M single checks and per
## 1M in batches of 100, by service, next to Verified Permissions' price;
## COST_FLAGS='-cpu-single 350us -cpu-batch 5.8ms' (the defaults) gives it this machine's make bench figures
cost:
	go run ./internal/cost/report $(COST_FLAGS)

## test-web: the admin site: typecheck, build, unit tests (Vitest), then the
## end-to-end tests in Debian's Chromium against `sentinel dev` on free ports.
test-web:
	@[ -x /usr/bin/chromium ] || { echo "Installing Debian's chromium for the e2e tests..."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
	cd admin-web && npm ci --no-audit --no-fund
	cd admin-web && npm run typecheck
	cd admin-web && npm run build
	cd admin-web && npm test
	cd admin-web && npm run e2e

## test-infra: the CDK stack's assertion tests, cdk-nag's AwsSolutions checks and
## cfn-lint (infra/.cfnlintrc.yaml); infra/ is its own module so the CDK stays
## out of the Lambda builds
test-infra:
	@out=$$(gofmt -l infra); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	@cd infra && go mod tidy -diff || { echo "infra/go.mod is not tidy: run (cd infra && go mod tidy)"; exit 1; }
	cd infra && go vet ./... && go test -count=1 ./...

## synth: the CloudFormation template, infra/cdk.out/Sentinel.template.json, without
## the cdk CLI (STAGE=prod by default; ADMIN_SITE=admin-web/dist hosts the built site)
synth: build
	rm -rf infra/cdk.out
	cd infra && CDK_CONTEXT_JSON='{"stage":"$(or $(STAGE),prod)","adminSite":"$(if $(ADMIN_SITE),$(abspath $(ADMIN_SITE)))"}' go run .

## The admin site's build, redone when its sources or lockfile change.
admin-web/node_modules/.package-lock.json: admin-web/package-lock.json
	cd admin-web && npm ci --no-audit --no-fund

admin-web/dist/index.html: admin-web/node_modules/.package-lock.json $(shell find admin-web/src admin-web/public -type f 2>/dev/null) admin-web/index.html admin-web/vite.config.ts
	cd admin-web && npm run build

## dev: the local stack (API :9003, admin site :9004, DynamoDB Local :8000, dev IdP :9005) until Ctrl-C.
## exec: the command replaces the recipe's shell, so Ctrl-C reaches it directly.
dev: tools admin-web/dist/index.html
	go build -o .local/bin/sentinel ./cmd/sentinel
	exec .local/bin/sentinel dev

## dev-reset: forget local data (tables, the admin account), the dev signing keys and the dev IdP key;
## keeps .local/cache (the DynamoDB Local install). Refused while make dev runs.
dev-reset:
	@d="$${SENTINEL_LOCAL_DIR:-.local}"; \
	  if [ -d "$$d" ] && command -v pgrep >/dev/null && pgrep -f -- "-dbPath $$(cd "$$d" && pwd)/data/dynamodb" >/dev/null; then \
	    echo "make dev is running on $$d: stop it (Ctrl-C) first"; exit 1; fi; \
	  rm -rf "$$d/data" "$$d/signing-keys" "$$d/signing-keys.pem" "$$d/signing-keys.pem.tmp" "$$d/dev-idp-keys.pem" "$$d/dev-idp-keys.pem.tmp"; \
	  echo "Removed $$d/data, $$d/signing-keys/ and $$d/dev-idp-keys.pem; the next make dev starts fresh."
