# The collection service for resident medical insurance (居民医保筹资).
#
#   make run     install what is missing, build, start a private PostgreSQL
#                under $(VAR_DIR), migrate, and serve with a demo county
#   make test    the same set-up, then every check and test (also under
#                AddressSanitizer + UndefinedBehaviorSanitizer)
#   make build   compile only

VAR_DIR ?= var
export VAR_DIR

CC ?= cc
PKGS := libmicrohttpd jansson libpq libcrypto xlsxwriter
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CHECK_LIBS = $(shell pkg-config --libs check 2>/dev/null)
CURL_LIBS = $(shell pkg-config --libs libcurl 2>/dev/null)

CFLAGS ?= -O2 -g
ALL_CFLAGS := -std=c11 -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L \
	-Iservice $(CFLAGS) $(PKG_CFLAGS)
SAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined

LIB_SRC := $(filter-out service/main.c,$(shell find service -name '*.c' | sort))
UNIT_SRC := $(sort $(wildcard tests/unit/*.c))
INT_SRC := $(sort $(wildcard tests/integration/*.c))
# the integration tests play the payment platforms with the service's crypto
INT_LIB := service/crypto/aead.c service/crypto/b64.c service/crypto/rsa_verify.c
HEADERS := $(shell find service tests -name '*.h')
# The dashboard's page, script and style sheet, compiled into the binary as
# byte arrays (scripts/embed.sh; served by service/api/dashboard.c).
DASH_ASSETS := $(sort $(wildcard service/dashboard/*))
GEN_SRC := build/dashboard_assets.c

.PHONY: all build run test deps check-unit check-integration check-asan faults \
	check-dashboard lint-openapi check-format format schema check-schema clean

all: build

deps:
	@scripts/deps.sh

build: build/medins

$(GEN_SRC): scripts/embed.sh $(DASH_ASSETS) Makefile
	@mkdir -p build
	scripts/embed.sh $@ $(DASH_ASSETS)

build/medins: $(LIB_SRC) $(GEN_SRC) service/main.c $(HEADERS) Makefile
	@mkdir -p build
	$(CC) $(ALL_CFLAGS) -o $@ service/main.c $(LIB_SRC) $(GEN_SRC) $(PKG_LIBS) -lpthread

build/unit_tests: $(LIB_SRC) $(GEN_SRC) $(UNIT_SRC) $(HEADERS) Makefile
	@mkdir -p build
	$(CC) $(ALL_CFLAGS) -Itests -o $@ $(UNIT_SRC) $(LIB_SRC) $(GEN_SRC) $(PKG_LIBS) $(CHECK_LIBS) -lpthread

# The fault test links the integration harness (cluster, service, client).
FAULT_SRC := $(sort $(wildcard tests/faults/*.c)) tests/integration/harness.c
build/fault_tests: $(FAULT_SRC) $(INT_LIB) $(HEADERS) Makefile
	@mkdir -p build
	$(CC) $(ALL_CFLAGS) -Itests -o $@ $(FAULT_SRC) $(INT_LIB) $(PKG_LIBS) $(CHECK_LIBS) $(CURL_LIBS) -lpthread

build/integration_tests: $(INT_SRC) $(INT_LIB) $(HEADERS) Makefile
	@mkdir -p build
	$(CC) $(ALL_CFLAGS) -Itests -o $@ $(INT_SRC) $(INT_LIB) $(PKG_LIBS) $(CHECK_LIBS) $(CURL_LIBS) -lpthread

# The same programs built with the sanitizers.
build/asan/medins: $(LIB_SRC) $(GEN_SRC) service/main.c $(HEADERS) Makefile
	@mkdir -p build/asan
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -o $@ service/main.c $(LIB_SRC) $(GEN_SRC) $(PKG_LIBS) -lpthread

build/asan/unit_tests: $(LIB_SRC) $(GEN_SRC) $(UNIT_SRC) $(HEADERS) Makefile
	@mkdir -p build/asan
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -Itests -o $@ $(UNIT_SRC) $(LIB_SRC) $(GEN_SRC) $(PKG_LIBS) $(CHECK_LIBS) -lpthread

run:
	@scripts/deps.sh --run
	@$(MAKE) --no-print-directory build build/platform_sim
	@scripts/run.sh build/medins

# Check's per-test timeout (4 s by default) is for hangs, not speed: a
# loaded machine or the sanitizers must not fail a test for being slow.
export CK_DEFAULT_TIMEOUT ?= 120

check-unit: build/unit_tests
	build/unit_tests

# Integration tests start the real binary on a throwaway cluster.
check-integration: build/medins build/integration_tests build/platform_sim
	MEDINS_BIN=build/medins build/integration_tests

# Payments under faults (tests/faults): PostgreSQL killed, the service
# stopped with SIGTERM, a notification delivered 16 times at once; then
# every answer is checked against the database. MEDINS_BIN=build/asan/medins
# runs it against the sanitizer build.
MEDINS_BIN ?= build/medins
faults: $(MEDINS_BIN) build/fault_tests build/platform_sim
	MEDINS_BIN=$(MEDINS_BIN) build/fault_tests

check-asan: build/asan/medins build/asan/unit_tests build/integration_tests build/platform_sim
	ASAN_OPTIONS=detect_leaks=1 build/asan/unit_tests
	ASAN_OPTIONS=detect_leaks=1 MEDINS_BIN=build/asan/medins build/integration_tests

node_modules/.bin/redocly: package.json
	npm install --no-audit --no-fund --loglevel=error
	@touch $@

node_modules/playwright-core/package.json: package.json
	npm install --no-audit --no-fund --loglevel=error
	@touch $@

# The dashboard end to end: a throwaway cluster and the real service, a
# small county built through the API, the page in headless Chromium
# (Debian's, driven by playwright-core); screenshots in build/.
check-dashboard: build/medins node_modules/playwright-core/package.json
	@scripts/deps.sh --dashboard
	node tests/dashboard/dashboard.test.mjs

lint-openapi: node_modules/.bin/redocly
	node_modules/.bin/redocly lint --format=stylish openapi.yaml

FORMAT_SRC = $(shell find service tests -name '*.[ch]')
check-format:
	@out=$$(clang-format --dry-run $(FORMAT_SRC) 2>&1); \
	if [ -n "$$out" ]; then echo "$$out" | head -20; \
	echo "check-format: run 'make format'"; exit 1; fi

format:
	clang-format -i $(FORMAT_SRC)

# schema/schema.sql: what the migrations produce, regenerated by `make schema`
# and compared by `make check-schema`.
schema: build/medins
	scripts/schema.sh dump > schema/schema.sql

check-schema: build/medins
	scripts/schema.sh check

test: deps build lint-openapi check-format check-schema check-unit \
	check-fuzz-regressions \
	check-integration faults check-dashboard check-asan

clean:
	rm -rf build

# The payment-platform simulator (tools/platform_sim.c): makes WeChat Pay and
# Alipay keys, posts signed notifications to a running service.
SIM_SRC := tools/platform_sim.c service/crypto/aead.c service/crypto/b64.c \
	service/crypto/rsa_verify.c service/domain/form.c service/domain/money.c
build/platform_sim: $(SIM_SRC) $(HEADERS) Makefile
	@mkdir -p build
	$(CC) $(ALL_CFLAGS) -o $@ $(SIM_SRC) \
		$(shell pkg-config --libs jansson libcrypto libcurl 2>/dev/null)

# The whole benchmark in one run (bench/all.sh, not part of make test): a
# county of 1,280,000 residents on a private throwaway cluster; the roster
# and tax-detail imports timed; POST /v1/payments with wrk at 32 and 128
# connections against pgbench running the same SQL (the ratio); signed
# WeChat Pay notifications; the progress report idle and under payments;
# the service's peak RSS. The table goes to bench/results/bench-<commit>.txt.
.PHONY: bench bench-roster
bench: build/medins build/roster_gen build/platform_sim
	bench/all.sh

# The roster import benchmark: a generated county (1,280,000 residents,
# about 105 MB) imported into the service on a private throwaway cluster,
# timed, then imported again (bench/roster.sh).

bench-roster: build/medins build/roster_gen
	bench/roster.sh

build/roster_gen: bench/roster_gen.c
	@mkdir -p build
	$(CC) -O2 -Wall -Wextra -Werror -o $@ bench/roster_gen.c

# The tax-detail import benchmark: the county of bench/roster_gen.c imported,
# then the tax bureau's daily detail (941,000 payment lines) imported, timed,
# sent again (all duplicates), and the day reconciled (bench/tax_import.sh).
.PHONY: bench-tax
bench-tax: build/medins build/roster_gen
	bench/tax_import.sh

# The progress report benchmark: the same county with targets per village,
# paid for by the tax detail, then GET /v1/progress timed idle, while
# payments are recorded at full speed, as of past moments, and checked
# against raw counts; the table goes to bench/results/ (bench/progress.sh).
.PHONY: bench-progress
bench-progress: build/medins build/roster_gen
	bench/progress.sh

# Fuzzing (tests/fuzz/): one libFuzzer target per parser or verifier, each
# linked with only the service sources it needs.
#   make fuzz                    every target for FUZZ_SECONDS (30) each
#   make fuzz FUZZ_TARGETS=csv   one target
# check-fuzz-regressions (part of make test) builds the same targets with
# gcc and the sanitizers, without libFuzzer, and replays the committed seeds
# and every input that ever crashed (tests/fuzz/regressions/<target>/).
.PHONY: fuzz check-fuzz-regressions
FUZZ_TARGETS ?= csv form jspec idnumber wechat alipay timestamp money date
FUZZ_SRC_csv := service/domain/csv.c
FUZZ_SRC_form := service/domain/form.c
FUZZ_SRC_jspec := service/http/jspec.c service/http/reply.c service/log.c \
	service/domain/date.c
FUZZ_SRC_idnumber := service/domain/idnumber.c service/domain/document.c \
	service/domain/date.c
FUZZ_SRC_wechat := service/crypto/wechatpay.c service/crypto/aead.c \
	service/crypto/rsa_verify.c service/crypto/b64.c
FUZZ_SRC_alipay := service/crypto/alipay.c service/crypto/rsa_verify.c \
	service/crypto/b64.c service/domain/form.c
FUZZ_SRC_timestamp := service/domain/timestamp.c service/domain/date.c
FUZZ_SRC_money := service/domain/money.c
FUZZ_SRC_date := service/domain/date.c
# pkg-config packages per target (jspec: request.h includes libpq's and
# libmicrohttpd's headers; only libmicrohttpd and jansson are linked)
FUZZ_PKGS_jspec := jansson libmicrohttpd libpq
FUZZ_PKGS_wechat := jansson libcrypto
FUZZ_PKGS_alipay := libcrypto
FUZZ_HEADERS := $(wildcard tests/fuzz/*.h)
FUZZ_REPLAY_ALL := $(sort $(patsubst tests/fuzz/fuzz_%.c,%,\
	$(wildcard tests/fuzz/fuzz_*.c)))
# UBSan reports are crashes for libFuzzer only when not recoverable.
FUZZ_CFLAGS := -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=undefined -std=c11 -D_POSIX_C_SOURCE=200809L \
	-Wall -Wextra -Iservice
fuzz_pkgs = $(if $(FUZZ_PKGS_$(1)),$(shell pkg-config $(2) $(FUZZ_PKGS_$(1))))

fuzz:
	@scripts/deps.sh --fuzz
	@$(MAKE) --no-print-directory $(FUZZ_TARGETS:%=build/fuzz/%)
	@scripts/fuzz.sh $(FUZZ_TARGETS)

.SECONDEXPANSION:
build/fuzz/%: tests/fuzz/fuzz_%.c $$(FUZZ_SRC_$$*) $(FUZZ_HEADERS) $(HEADERS) \
		Makefile
	@mkdir -p build/fuzz
	clang $(FUZZ_CFLAGS) $(call fuzz_pkgs,$*,--cflags) -o $@ $< \
		$(FUZZ_SRC_$*) $(call fuzz_pkgs,$*,--libs)

build/fuzz-replay/%: tests/fuzz/fuzz_%.c tests/fuzz/replay_main.c \
		$$(FUZZ_SRC_$$*) $(FUZZ_HEADERS) $(HEADERS) Makefile
	@mkdir -p build/fuzz-replay
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -o $@ tests/fuzz/replay_main.c $< \
		$(FUZZ_SRC_$*) $(PKG_LIBS)

check-fuzz-regressions: $(FUZZ_REPLAY_ALL:%=build/fuzz-replay/%)
	@set -e; for t in $(FUZZ_REPLAY_ALL); do \
		dirs=tests/fuzz/corpus/$$t; \
		if [ -d tests/fuzz/regressions/$$t ]; then \
			dirs="$$dirs tests/fuzz/regressions/$$t"; fi; \
		ASAN_OPTIONS=detect_leaks=1 build/fuzz-replay/$$t $$dirs; \
	done
