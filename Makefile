# Weft's build. `make run` and `make test` work on a fresh Debian machine:
# `make deps` (which both call) installs the C toolchain for the C example.

GO          ?= go
BIN         := bin
NODES       := $(BIN)/nodes
CORE        := $(NODES)/core.wasm
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
GOIMPORTS   := golang.org/x/tools/cmd/goimports@v0.39.0
GOFLAGS_TEST ?=
BENCHTIME   ?= 2s

# Debian packages the guest modules need: clang, wasm-ld and wasi-libc for
# the C node and the core module (QuickJS); npm (nodejs, npm) for the core
# module's JavaScript bundle when not installed otherwise; WABT only to
# regenerate the committed WAT fixtures.
DEB_PACKAGES := clang lld wasi-libc libclang-rt-14-dev-wasm32


.PHONY: all build nodes core docs run test test-go test-nodes test-js bench check fixtures deps clean

all: build nodes

build:
	$(GO) build -o $(BIN)/weft ./cmd/weft

# Guest modules: the Go example (reactor profile, standard toolchain) and the
# C example (command profile, clang + wasi-libc).
nodes: $(NODES)/uppercase.wasm $(NODES)/passthrough.wasm $(NODES)/wrap.wasm $(CORE)

$(NODES)/uppercase.wasm: $(shell find nodes-wasm/sdk nodes-wasm/examples/uppercase -name '*.go') nodes-wasm/go.mod
	@mkdir -p $(NODES)
	cd nodes-wasm && GOWORK=off GOOS=wasip1 GOARCH=wasm $(GO) build -buildmode=c-shared -o ../$@ ./examples/uppercase

$(NODES)/passthrough.wasm: nodes-wasm/examples/c-passthrough/passthrough.c
	@mkdir -p $(NODES)
	clang --target=wasm32-wasi --sysroot=/usr -O2 -o $@ $<

$(NODES)/wrap.wasm: runtime/testdata/wrap.wasm
	@mkdir -p $(NODES)
	cp $< $@

# The core module (nodes-wasm/core): QuickJS-ng compiled to WASI, the C reactor
# and the JavaScript bundle (core nodes, expression runtime, Luxon). QuickJS-ng's
# C sources come pinned through the Go module proxy; the bundle's packages
# through npm (nodes-wasm/core/js/package-lock.json).
COREBUILD   := $(BIN)/core
QJS_MOD     := github.com/quickjs-ng/quickjs@v0.10.1
# quickjs.c itself is compiled inside nodes-wasm/core/glue/qjs.c, with the
# helpers the reactor's JSON code needs from inside the engine.
QJS_UNITS   := libregexp libunicode cutils xsum
QJS_OBJS    := $(QJS_UNITS:%=$(COREBUILD)/qjs/%.o)
WASI_CC     := clang --target=wasm32-wasi --sysroot=/usr
# QuickJS-ng builds for WASI as it is (no threads, no native stack probe:
# overflowing the stack placed first in memory traps).
QJS_CFLAGS  := -O2 -DNDEBUG -w
CORE_JS     := $(shell find nodes-wasm/core/js/src -name '*.js')

core: $(CORE)

$(COREBUILD)/qjs/src: Makefile
	@mkdir -p $(@D)
	cd nodes-wasm && GOWORK=off GOFLAGS=-mod=mod $(GO) mod download -json $(QJS_MOD) | sed -n 's/.*"Dir": "\(.*\)".*/\1/p' > ../$@.tmp
	@test -s $@.tmp || (echo "could not download $(QJS_MOD)" && exit 1)
	mv $@.tmp $@

$(COREBUILD)/qjs/%.o: $(COREBUILD)/qjs/src
	$(WASI_CC) $(QJS_CFLAGS) -c "$$(cat $<)/$*.c" -o $@

nodes-wasm/core/js/node_modules/.package-lock.json: nodes-wasm/core/js/package-lock.json
	cd nodes-wasm/core/js && npm ci --no-audit --no-fund --loglevel=error

$(COREBUILD)/bundle.js: $(CORE_JS) nodes-wasm/core/js/node_modules/.package-lock.json
	@mkdir -p $(@D)
	cd nodes-wasm/core/js && npx esbuild src/main.js --bundle --format=iife --target=es2020 --log-level=warning --outfile=../../../$@

$(COREBUILD)/bundle.c: $(COREBUILD)/bundle.js nodes-wasm/core/cembed/main.go
	cd nodes-wasm && GOWORK=off $(GO) run ./core/cembed -name weft_bundle ../$< ../$@

$(COREBUILD)/%.o: $(COREBUILD)/%.c
	$(WASI_CC) -O2 -c $< -o $@

$(COREBUILD)/glue.o: nodes-wasm/core/glue/core.c nodes-wasm/core/glue/json.h $(COREBUILD)/qjs/src
	$(WASI_CC) -O2 -I"$$(cat $(COREBUILD)/qjs/src)" -c $< -o $@

$(COREBUILD)/json.o: nodes-wasm/core/glue/json.c nodes-wasm/core/glue/json.h nodes-wasm/core/glue/qjs.h $(COREBUILD)/qjs/src
	$(WASI_CC) -O2 -I"$$(cat $(COREBUILD)/qjs/src)" -c $< -o $@

$(COREBUILD)/qjs/quickjs.o: nodes-wasm/core/glue/qjs.c nodes-wasm/core/glue/qjs.h $(COREBUILD)/qjs/src
	$(WASI_CC) $(QJS_CFLAGS) -I"$$(cat $(COREBUILD)/qjs/src)" -c $< -o $@

$(CORE): $(QJS_OBJS) $(COREBUILD)/qjs/quickjs.o $(COREBUILD)/glue.o $(COREBUILD)/json.o $(COREBUILD)/bundle.o
	@mkdir -p $(@D)
	$(WASI_CC) -mexec-model=reactor -O2 -Wl,--stack-first -Wl,-z,stack-size=2097152 -o $@ $^

# Starts Weft in the foreground with its embedded defaults (SQLite, NATS
# JetStream and blobs in weft-data/, one runner) and shows how to trigger
# the example webhook from another terminal.
run: deps build nodes
	@echo "== Weft starts on http://127.0.0.1:5678: SQLite, NATS JetStream and blobs in weft-data/, one runner."
	@echo "   In another terminal, import the example webhook workflow and call it:"
	@echo
	@echo "   $(BIN)/weft import examples/workflows/webhook-greeting.json --activate"
	@echo "   curl -s -X POST localhost:5678/webhook/greeting -H 'Content-Type: application/json' -d '{\"name\":\"ann\",\"n\":21}'"
	@echo "   curl -s 'localhost:5678/api/v1/executions?limit=5'      # every execution is saved"
	@echo
	@echo "   Without a server: $(BIN)/weft run examples/workflows/orders.json   ($(BIN)/weft help for more)"
	@echo "   Stop with Ctrl-C."
	@echo
	@$(BIN)/weft server --data weft-data

test: deps test-go test-nodes test-js

test-go:
	$(GO) test $(GOFLAGS_TEST) ./...

test-nodes:
	cd nodes-wasm && GOWORK=off $(GO) test $(GOFLAGS_TEST) ./...

# Unit tests of the core module's JavaScript under Node (the Go tests run the
# same code inside the real module).
test-js: nodes-wasm/core/js/node_modules/.package-lock.json
	cd nodes-wasm/core/js && npm test --silent

bench: deps
	$(GO) test -run '^$$' -bench . -benchtime $(BENCHTIME) ./runtime/... ./nodes/

check:
	@test -z "$$(gofmt -l . | tee /dev/stderr)" || (echo "gofmt: files above need formatting" && exit 1)
	@test -z "$$($(GO) run $(GOIMPORTS) -l . | tee /dev/stderr)" || (echo "goimports: files above need fixing" && exit 1)
	$(GO) vet ./...
	cd nodes-wasm && GOWORK=off $(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...
	$(GO) mod tidy && git diff --exit-code go.mod go.sum
	cd nodes-wasm && GOWORK=off $(GO) mod tidy && git diff --exit-code go.mod

# docs/nodes.md is generated from the node specs.
docs: build core
	$(BIN)/weft nodes --markdown > docs/nodes.md

fixtures:
	runtime/testdata/gen.sh

# deps installs the Debian packages above when any is missing (needs root or
# sudo). It does nothing on a machine that has them.
deps:
	@missing=""; for p in $(DEB_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; done; \
	command -v npm >/dev/null 2>&1 || missing="$$missing nodejs npm"; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

clean:
	rm -rf $(BIN)
