# Guildhall. The two commands a newcomer needs: `make run` and `make test`.

GO       ?= go
DATA_DIR ?= ./.guildhall
BIN      := bin/guildhall

.PHONY: run test build vet bench contracts contracts-deps postgres clean help

help:
	@echo "make run        build and serve on the embedded dev chain and a local PostgreSQL under $(DATA_DIR)"
	@echo "make test       vet and run every test (-race) against a real PostgreSQL and in-process chain"
	@echo "make bench      run the benchmarks"
	@echo "make contracts  rebuild the contract artifacts and Go bindings (needs Node)"
	@echo "make build      build $(BIN)"

build:
	@[ -x $(BIN) ] || echo "building $(BIN): the first build compiles go-ethereum and takes a few minutes on 2 cores"
	$(GO) build -o $(BIN) ./cmd/guildhall

# Installs PostgreSQL if it is missing; guildhall itself creates and starts the cluster.
postgres:
	@sh scripts/ensure-postgres.sh

run: postgres build
	./$(BIN) serve --data-dir $(DATA_DIR)

vet:
	$(GO) vet ./...

# The tests start their own PostgreSQL cluster (or use TEST_DATABASE_URL) and the contracts check
# needs the pinned solc from npm.
test: postgres contracts-deps vet
	$(GO) test -race -count=1 -timeout 20m ./...

# Each benchmark is one measured run that prints its own figures (events/s, rewards/s, p50/p99,
# gas, peak memory); see the README's performance figures for what they measure.
bench: postgres
	$(GO) test -run '^$$' -bench . -benchtime 1x -benchmem -timeout 60m ./...

contracts-deps:
	@if command -v npm >/dev/null 2>&1; then \
		cd contracts && npm ci --no-audit --no-fund --loglevel=error; \
	else \
		echo "npm not found: the check that contract artifacts match their sources will be skipped"; \
	fi

contracts: contracts-deps
	cd contracts && node build.js
	$(GO) run ./contracts/internal/bindgen

clean:
	rm -rf bin
