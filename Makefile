# Waspada build. GNU Make + pkg-config.
#
#   make              build build/release/waspada
#   make demo         install deps, build, create ./waspada.db with demo data, serve on :8080
#   make check        install deps, then everything CI runs (see `make help`)
#
# Variants live in separate build directories: VARIANT=release (default), asan (ASan+UBSan),
# fuzz (clang + libFuzzer). All modules go into one static library, libwaspada.a, linked by
# the binary, the tests, the benchmarks and the fuzzers.

VARIANT ?= release
BUILD   ?= build/$(VARIANT)
PREFIX  ?= /usr/local
DESTDIR ?=
BINDIR  := $(PREFIX)/bin
SHAREDIR := $(PREFIX)/share/waspada
MANDIR  := $(PREFIX)/share/man/man1

PKGS := sqlite3 libpq libmicrohttpd jansson libsodium libxml-2.0 libcurl libutf8proc inih \
        xlsxwriter zlib
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lstemmer -lcsv -lpthread -lm

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
        -Wformat=2 -Wno-format-nonliteral -Wvla
BASE_CFLAGS := -std=c11 -D_GNU_SOURCE -g $(WARN) -Isrc $(PKG_CFLAGS) \
        -DWSP_SHAREDIR='"$(SHAREDIR)"'

ifeq ($(VARIANT),release)
  CC ?= cc
  OPT := -O2
  SAN :=
else ifeq ($(VARIANT),asan)
  OPT := -O1 -fno-omit-frame-pointer
  SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined
else ifeq ($(VARIANT),fuzz)
  CC := clang
  OPT := -O1 -fno-omit-frame-pointer
  SAN := -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
else
  $(error unknown VARIANT '$(VARIANT)': use release, asan or fuzz)
endif

CFLAGS  ?=
LDFLAGS ?=
ALL_CFLAGS  := $(BASE_CFLAGS) $(OPT) $(SAN) $(CFLAGS) -MMD -MP
ALL_LDFLAGS := $(SAN) $(LDFLAGS)

# MODULES limits the library to some modules (for working on one module while others are
# in progress): make BUILD=build/geo MODULES="base geo" UNIT_SRC=tests/unit/test_geo.c test
MODULES  ?= $(notdir $(wildcard src/*))
LIB_SRC  := $(sort $(filter-out src/cli/main.c,$(foreach m,$(MODULES),$(wildcard src/$(m)/*.c))))
CLI_MAIN := src/cli/main.c
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/embedded.o
LIB      := $(BUILD)/libwaspada.a
BIN      := $(BUILD)/waspada

UNIT_SRC  ?= $(sort $(wildcard tests/unit/test_*.c))
INTEG_SRC ?= $(sort $(wildcard tests/integration/test_*.c))
FUZZ_SRC  := $(sort $(wildcard tests/fuzz/fuzz_*.c))
TEST_HELPER_SRC := $(sort $(wildcard tests/support/*.c))
TEST_HELPER_OBJ := $(TEST_HELPER_SRC:%.c=$(BUILD)/obj/%.o)
UNIT_BIN  := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/unit/%)
INTEG_BIN := $(INTEG_SRC:tests/integration/%.c=$(BUILD)/tests/integration/%)
FUZZ_BIN  := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/%)
BENCH_BIN := $(BUILD)/bench/bench
WITH_PG   := $(BUILD)/tests/with-pg
# The test programs that touch a database, run a second time on PostgreSQL (make test-pg).
PG_TEST_BIN := $(filter $(BUILD)/tests/unit/test_store% $(BUILD)/tests/unit/test_db \
                 $(BUILD)/tests/unit/test_migrations_pg,$(UNIT_BIN)) $(INTEG_BIN)

DATA_FILES := $(shell find data -type f ! -name '.*' 2>/dev/null)

.PHONY: all deps demo check test test-pg unit integration fuzz fuzz-smoke bench bench-api bench-api-pg install uninstall \
        deb test-deb \
        clean format format-check lint help tests

all: $(BIN)

help:
	@sed -n '1,12p' Makefile | sed 's/^# \{0,1\}//'
	@echo "other targets: test (unit+integration for VARIANT), fuzz [FUZZ_TIME=60 FUZZ_TARGET=], bench,"
	@echo "               bench-api [BENCH_API_EVENTS=1000000] (wrk and nginx: API under load),"
	@echo "               install [PREFIX=/usr/local], deb (Debian package in build/deb), test-deb,"
	@echo "               lint, format, format-check, clean"

deps:
	@scripts/install-deps

# ---- build --------------------------------------------------------------------------------

# V=1 shows full command lines.
Q := $(if $(V),,@)
$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(if $(V),,@echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/gen/embedded.S: scripts/gen-embed $(DATA_FILES)
	@mkdir -p $(@D)
	$(Q)scripts/gen-embed data > $@.tmp && mv $@.tmp $@

$(BUILD)/obj/embedded.o: $(BUILD)/gen/embedded.S
	@mkdir -p $(@D)
	$(Q)$(CC) -c $< -o $@

$(LIB): $(LIB_OBJ)
	@rm -f $@
	$(if $(V),,@echo "  AR      $@")
	$(Q)ar rcs $@ $^

$(BIN): $(BUILD)/obj/$(CLI_MAIN:.c=.o) $(LIB)
	$(if $(V),,@echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/tests/unit/%: $(BUILD)/obj/tests/unit/%.o $(TEST_HELPER_OBJ) $(LIB)
	@mkdir -p $(@D)
	$(if $(V),,@echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) -lcmocka

$(BUILD)/tests/integration/%: $(BUILD)/obj/tests/integration/%.o $(TEST_HELPER_OBJ) $(LIB)
	@mkdir -p $(@D)
	$(if $(V),,@echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) -lcmocka

$(BUILD)/fuzz/%: $(BUILD)/obj/tests/fuzz/%.o $(LIB)
	@mkdir -p $(@D)
	$(if $(V),,@echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -fsanitize=fuzzer -o $@ $^ $(PKG_LIBS)

$(BENCH_BIN): $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard tests/bench/*.c)) $(LIB) $(BIN)
	@mkdir -p $(@D)
	$(if $(V),,@echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(filter-out $(BIN),$^) $(PKG_LIBS)

$(WITH_PG): $(BUILD)/obj/tests/tools/with_pg.o $(TEST_HELPER_OBJ) $(LIB)
	@mkdir -p $(@D)
	$(if $(V),,@echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

tests: $(BIN) $(UNIT_BIN) $(INTEG_BIN) $(WITH_PG)

# ---- run ----------------------------------------------------------------------------------

demo: deps
	@$(MAKE) --no-print-directory all
	@scripts/demo $(BIN)

# Unit + integration tests of one variant.
test: tests
	@scripts/run-tests $(VARIANT) $(BUILD) $(UNIT_BIN) $(INTEG_BIN)

# The same store and server tests on PostgreSQL: one private server (initdb in a temporary
# directory, as an unprivileged user when run as root) for the whole run.
test-pg: tests
	@$(WITH_PG) scripts/run-tests $(VARIANT)-pg $(BUILD) $(PG_TEST_BIN)

# Fuzzers build in build/fuzz, or in BUILD when VARIANT=fuzz is given (so several people can
# fuzz in one tree: make VARIANT=fuzz BUILD=build/myfuzz fuzz). Work corpora, crashes and logs
# go under the same directory.
FUZZ_BUILD ?= $(if $(filter fuzz,$(VARIANT)),$(BUILD),build/fuzz)
FUZZ_TARGETS := $(FUZZ_SRC:tests/fuzz/%.c=$(FUZZ_BUILD)/fuzz/%)

fuzz-build:
	@$(MAKE) --no-print-directory VARIANT=fuzz BUILD=$(FUZZ_BUILD) $(FUZZ_TARGETS)

# Short pass over the seed corpus of every fuzz target (part of `make check`).
fuzz-smoke: fuzz-build
	@scripts/run-fuzz smoke $(FUZZ_TARGETS)

# Every target for FUZZ_TIME seconds, one after the other (FUZZ_TARGET=fuzz_csv_import for one).
FUZZ_TIME ?= 60
fuzz: fuzz-build
	@scripts/run-fuzz $(FUZZ_TIME) $(if $(FUZZ_TARGET),$(FUZZ_BUILD)/fuzz/$(FUZZ_TARGET),$(FUZZ_TARGETS))

check: deps
	@scripts/check

# BENCH_MB sets the size of the generated extraction corpus (default 200).
bench: deps $(BENCH_BIN)
	$(BENCH_BIN) $(BIN)

# The HTTP API under load at national scale: 1M imported events, wrk -t2 -c64 per endpoint
# and scope, nginx on the same public bytes (BENCH_API_EVENTS, BENCH_API_SECONDS).
BENCH_API_EVENTS ?= 1000000
bench-api: $(BIN)
	@scripts/install-deps bench
	@scripts/bench-api $(BIN) $(BENCH_API_EVENTS)

# The same on a private PostgreSQL (fsync off: a measure of Waspada, not of the disk).
bench-api-pg: $(BIN) $(WITH_PG)
	@scripts/install-deps bench
	@$(WITH_PG) env BENCH_API_ENGINE=postgresql scripts/bench-api $(BIN) $(BENCH_API_EVENTS)

# ---- Debian package -----------------------------------------------------------------------

# build/deb/waspada_<version>_<arch>.deb, built by dpkg-buildpackage from a copy of the files
# git tracks (so the working tree's builds stay apart); test-deb checks its contents, its
# computed Depends, its systemd units and the installed program (scripts/test-deb).
deb: deps
	@scripts/build-deb

test-deb: deb
	@scripts/test-deb build/deb

# ---- install ------------------------------------------------------------------------------

install: $(BIN)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SHAREDIR) $(DESTDIR)$(MANDIR)
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/waspada
	cp -R data $(DESTDIR)$(SHAREDIR)/
	cp -R web $(DESTDIR)$(SHAREDIR)/
	install -m 644 waspada.conf.example $(DESTDIR)$(SHAREDIR)/waspada.conf.example
	install -m 644 docs/waspada.1 $(DESTDIR)$(MANDIR)/waspada.1

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/waspada $(DESTDIR)$(MANDIR)/waspada.1
	rm -rf $(DESTDIR)$(SHAREDIR)

# ---- hygiene ------------------------------------------------------------------------------

FORMAT_FILES := $(shell find src tests -name '*.[ch]' -not -path '*/corpus/*' 2>/dev/null)

format:
	clang-format -i $(FORMAT_FILES)

format-check:
	@clang-format --dry-run --Werror $(FORMAT_FILES) && echo "format-check: ok"

lint:
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
	    --inline-suppr --suppress=missingIncludeSystem -Isrc -D_GNU_SOURCE $(LIB_SRC) $(CLI_MAIN)
# clang-tidy runs once per file, in parallel: a crash (clang-tidy 14 has some) or a warning
# names its file, every file is still checked, and the target fails at the end. The output
# of a file is shown only when it fails, in one piece.
	printf '%s\n' $(LIB_SRC) $(CLI_MAIN) | xargs -P "$$(nproc)" -I{} sh -c \
	    'out=$$(clang-tidy --quiet --warnings-as-errors="*" "$$@" 2>&1) && exit 0; \
	     printf "%s\n" "$$out"; echo "lint: clang-tidy failed on $$1" >&2; exit 1' \
	    sh {} -- $(BASE_CFLAGS)

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)

# Keep objects of test programs (they would otherwise be deleted as intermediates).
.SECONDARY:
