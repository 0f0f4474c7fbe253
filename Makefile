# Guildhall. The two commands a newcomer needs: `make run` and `make test`.

GO       ?= go
DATA_DIR ?= ./.guildhall
BIN      := bin/guildhall

.PHONY: run test build vet lint fuzz bench contracts contracts-deps postgres chromium screenshots clean help

# Pinned linter; `go run` fetches it from the module proxy once and caches it.
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
# Each fuzz target runs this long under `make fuzz`; `make test` runs their seed corpora only.
FUZZTIME ?= 30s

help:
	@echo "make run        build and serve on the embedded dev chain and a local PostgreSQL under $(DATA_DIR)"
	@echo "make test       vet and run every test (-race) against a real PostgreSQL and in-process chain"
	@echo "make lint       gofmt and staticcheck (pinned), also part of make test"
	@echo "make fuzz       run every fuzz target for FUZZTIME (default 30s) each"
	@echo "make bench      run the benchmarks"
	@echo "make contracts  rebuild the contract artifacts and Go bindings (needs Node)"
	@echo "make build      build $(BIN)"
	@echo "make screenshots  rewrite the dashboard screenshots under docs/screenshots (headless Chromium)"

build:
	@[ -x $(BIN) ] || echo "building $(BIN): the first build compiles go-ethereum and takes a few minutes on 2 cores"
	$(GO) build -buildvcs=auto $(RUN_GCFLAGS) -ldflags "$(RUN_LDFLAGS) -X main.buildTime=$$(date -u +%Y-%m-%dT%H:%M:%SZ)" -o $(BIN) ./cmd/guildhall

# Installs PostgreSQL if it is missing; guildhall itself creates and starts the cluster.
postgres:
	@sh scripts/ensure-postgres.sh

# Installs Debian's chromium if no Chromium is found, for the dashboard's browser tests.
chromium:
	@sh scripts/ensure-chromium.sh

# make run builds without cgo: go-ethereum's pure-Go secp256k1 and pebble's pure-Go zstd instead of
# compiling their C (libsecp256k1, 40 files of zstd) on a fresh machine's first build; and without
# DWARF debug information (stack traces and profiles keep their names and lines), which takes a
# tenth of the compiler's time. `make build` and the tests (-race needs cgo) keep both.
run: export CGO_ENABLED = 0
run: RUN_GCFLAGS = -gcflags=all=-dwarf=false
run: RUN_LDFLAGS = -s -w
run: postgres build
	./$(BIN) serve --data-dir $(DATA_DIR)

vet:
	$(GO) vet ./...

# gofmt over every Go file but the dependencies npm installs; staticcheck over every package but
# the generated contract bindings (abigen's output is not ours to restyle).
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) run $(STATICCHECK) $$($(GO) list ./... | grep -v /contracts/bindings/)

# Every fuzz target, one after another (go test -fuzz takes one target per run).
fuzz:
	@grep -rHo --include='*_test.go' '^func Fuzz[A-Za-z0-9_]*' . | grep -v node_modules | sed 's/:func / /' | \
	while read file target; do \
		echo "fuzz $$(dirname $$file) $$target for $(FUZZTIME)"; \
		$(GO) test -run '^$$' -fuzz "^$$target$$" -fuzztime $(FUZZTIME) ./$$(dirname $$file) || exit 1; \
	done

# The tests start their own PostgreSQL cluster (or use TEST_DATABASE_URL), the contracts check
# needs the pinned solc from npm and the dashboard's browser test needs Chromium.
test: postgres chromium contracts-deps vet lint
	GUILDHALL_REQUIRE_CHROMIUM=1 $(GO) test -race -count=1 -timeout 20m ./...

# The README's dashboard screenshots, made by the browser test on the demo community (which
# TestDemoHistory lays down first).
screenshots: postgres chromium
	GUILDHALL_REQUIRE_CHROMIUM=1 GUILDHALL_SCREENSHOT_DIR=$(CURDIR)/docs/screenshots \
		$(GO) test -count=1 -run '^TestDemoHistory$$' -timeout 20m ./cmd/guildhall

# Each benchmark is one measured run that prints its own figures (events/s, rewards/s, p50/p99,
# gas, peak memory); see the README's performance figures for what they measure.
bench: postgres
	$(GO) test -run '^$$' -bench . -benchtime 1x -benchmem -timeout 60m ./...

contracts-deps:
	@sh scripts/ensure-node.sh

contracts: contracts-deps
	cd contracts && node build.js
	$(GO) run ./contracts/internal/bindgen

clean:
	rm -rf bin
