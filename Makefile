# sluice - build, test, fuzz and bench.
#
#   make              build ./build/sluice
#   make check        unit tests + integration tests (root and rootless)
#   make check-asan   the same against an ASan+UBSan build
#   make check-slow   the slow integration tests (a private Tor network), both builds
#   make fuzz         build the libFuzzer binary (clang); make fuzz-run runs each target briefly
#   make bench        benchmarks under bench/, each prints ratios
#   make demo         show sluice at work on this machine (no internet needed)
#   make install      install under PREFIX (/usr/local), into DESTDIR if set; make uninstall
#   make deb          build the Debian package into build/deb/ (debian/); make check-deb
#                     installs it (dpkg -i, as root), runs it and the demo, purges it

PKGS       := libmnl libnftnl jansson libcap libseccomp
CC         ?= gcc
VERSION    := $(shell cat VERSION 2>/dev/null || echo 0.0.0)

WARNINGS   := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wmissing-prototypes \
              -Wstrict-prototypes
HARDENING  := -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE
CFLAGS     ?= -O2 -g
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   := $(shell pkg-config --libs $(PKGS))

ifeq ($(SANITIZE),1)
BUILD      ?= build-asan
CFLAGS     := -O1 -g -fno-omit-frame-pointer
HARDENING  := -fPIE
SAN_FLAGS  := -fsanitize=address,undefined -fno-sanitize-recover=undefined
else
BUILD      ?= build
SAN_FLAGS  :=
endif

ALL_CFLAGS := -std=gnu11 $(WARNINGS) $(HARDENING) $(CFLAGS) $(SAN_FLAGS) $(PKG_CFLAGS) \
              -DSLUICE_VERSION='"$(VERSION)"' -Isrc -MMD -MP
ALL_LDFLAGS := -pie -Wl,-z,relro,-z,now -Wl,--as-needed $(SAN_FLAGS) $(LDFLAGS)

LIB_SRC    := $(filter-out src/main.c,$(wildcard src/*.c))
LIB_OBJ    := $(LIB_SRC:src/%.c=$(BUILD)/obj/%.o)
UNIT_SRC   := $(wildcard tests/unit/test_*.c)
UNIT_BIN   := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all helpers lint check check-slow check-one check-unit check-integration check-asan fuzz fuzz-run bench demo clean format \
        format-check man install uninstall deb check-deb

all: $(BUILD)/sluice

# What `sluice --version` lists (version.c): each library's pkg-config version.  version.o is
# the one object that uses VERSION: it is rebuilt when VERSION changes.
LIB_VERSIONS := $(shell for p in $(PKGS); do printf '%s %s, ' $$p "$$(pkg-config --modversion $$p)"; \
                  done | sed 's/, $$//')
$(BUILD)/obj/version.o: ALL_CFLAGS += -DSLUICE_LIBRARY_VERSIONS='"$(LIB_VERSIONS)"'
$(BUILD)/obj/version.o: VERSION

$(BUILD)/obj/%.o: src/%.c | $(BUILD)/obj
	$(CC) $(ALL_CFLAGS) -c $< -o $@

# The program's seccomp filter is made into BPF once, here, by libseccomp from the rules in
# syscall_filter_rules.c; syscall_filter.c loads it (see there why).
$(BUILD)/gen/syscall_filter_bpf.h: tools/gen_syscall_filter.c $(BUILD)/obj/syscall_filter_rules.o \
                                   $(BUILD)/obj/err.o
	mkdir -p $(BUILD)/gen
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $(BUILD)/gen/gen_syscall_filter $^ $(PKG_LIBS)
	ASAN_OPTIONS=detect_leaks=0 $(BUILD)/gen/gen_syscall_filter >$@.tmp
	mv $@.tmp $@
$(BUILD)/obj/syscall_filter.o: $(BUILD)/gen/syscall_filter_bpf.h
$(BUILD)/obj/syscall_filter.o: ALL_CFLAGS += -I$(BUILD)/gen

$(BUILD)/libsluice.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/sluice: $(BUILD)/obj/main.o $(BUILD)/libsluice.a
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libsluice.a | $(BUILD)/tests
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(BUILD)/libsluice.a $(PKG_LIBS) \
		$(shell pkg-config --libs cmocka libnftables)

$(BUILD)/obj $(BUILD)/tests:
	mkdir -p $@

HELPER_SRC := $(wildcard tests/helpers/*.c)
HELPER_BIN := $(HELPER_SRC:tests/helpers/%.c=$(BUILD)/helpers/%)
$(BUILD)/helpers/%: tests/helpers/%.c
	mkdir -p $(BUILD)/helpers
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $<

# The integration tests' helper programs only (check and check-one build them too).
helpers: $(HELPER_BIN)

# Benchmark helpers (servers and clients the benchmarks drive): bench/helpers/*.c.
BENCH_HELPER_SRC := $(wildcard bench/helpers/*.c)
BENCH_HELPER_BIN := $(BENCH_HELPER_SRC:bench/helpers/%.c=$(BUILD)/bench/%)
$(BUILD)/bench/%: bench/helpers/%.c
	mkdir -p $(BUILD)/bench
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -pthread -o $@ $<

# The one test command (README, .ci/run): unit and integration tests against the normal build
# and the ASan+UBSan build, root and rootless, one summary line at the end.
check: $(BUILD)/sluice $(UNIT_BIN) $(HELPER_BIN)
	$(MAKE) SANITIZE=1 build-asan/sluice $(UNIT_BIN:$(BUILD)/%=build-asan/%)
	SLUICE_BUILDS="$(BUILD) build-asan" tests/run

# The slow integration tests (tests/integration/s*.sh), both builds; .ci/run runs them too.
check-slow: $(BUILD)/sluice $(HELPER_BIN)
	$(MAKE) SANITIZE=1 build-asan/sluice
	SLUICE_BUILDS="$(BUILD) build-asan" tests/run --slow

# One build only (quicker while developing).
check-one: $(BUILD)/sluice $(UNIT_BIN) $(HELPER_BIN)
	SLUICE_BUILDS=$(BUILD) tests/run

check-unit: $(UNIT_BIN)
	SLUICE_BUILDS=$(BUILD) tests/run --unit-only

check-asan:
	$(MAKE) SANITIZE=1 check-one

# libFuzzer: one binary, the target picked by SLUICE_FUZZ_TARGET (see fuzz/fuzzer.c).
FUZZ_BUILD := build-fuzz
FUZZ_FLAGS := -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined -Isrc $(PKG_CFLAGS) \
              -DSLUICE_VERSION='"$(VERSION)"'
FUZZ_SRC   := $(wildcard fuzz/*.c)
fuzz: $(FUZZ_BUILD)/sluice-fuzz
$(FUZZ_BUILD)/sluice-fuzz: $(FUZZ_SRC) $(LIB_SRC) $(wildcard src/*.h) $(BUILD)/gen/syscall_filter_bpf.h
	mkdir -p $(FUZZ_BUILD)
	clang $(FUZZ_FLAGS) -I$(BUILD)/gen -o $@ $(FUZZ_SRC) $(LIB_SRC) $(PKG_LIBS)
fuzz-run: fuzz
	fuzz/run-all $(FUZZ_BUILD)/sluice-fuzz $${FUZZ_SECONDS:-30}

bench: $(BUILD)/sluice $(BENCH_HELPER_BIN)
	SLUICE_BUILD=$(BUILD) bench/run

demo: $(BUILD)/sluice
	SLUICE_BUILD=$(BUILD) tools/demo

# Where `make install` puts things: PREFIX (default /usr/local) under DESTDIR (a staging root,
# default none).  The unit file is installed but never enabled or started: running the daemon
# is the administrator's choice (`systemctl enable --now sluice`).  systemd and zsh look in
# PREFIX's directories for /usr/local; debian/rules sets the Debian paths.
PREFIX        ?= /usr/local
BINDIR        ?= $(PREFIX)/bin
MANDIR        ?= $(PREFIX)/share/man
BASHCOMPDIR   ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR    ?= $(PREFIX)/share/zsh/site-functions
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
# Every file install puts there, and nothing else: uninstall removes exactly these.
INSTALLED := $(BINDIR)/sluice $(MANDIR)/man1/sluice.1 $(MANDIR)/man5/sluice-profile.5 \
             $(BASHCOMPDIR)/sluice $(ZSHCOMPDIR)/_sluice $(SYSTEMDUNITDIR)/sluice.service

install: $(BUILD)/sluice
	install -D -m 0755 $(BUILD)/sluice $(DESTDIR)$(BINDIR)/sluice
	install -D -m 0644 docs/sluice.1 $(DESTDIR)$(MANDIR)/man1/sluice.1
	install -D -m 0644 docs/sluice-profile.5 $(DESTDIR)$(MANDIR)/man5/sluice-profile.5
	install -D -m 0644 contrib/completion/sluice.bash $(DESTDIR)$(BASHCOMPDIR)/sluice
	install -D -m 0644 contrib/completion/_sluice $(DESTDIR)$(ZSHCOMPDIR)/_sluice
	install -d $(DESTDIR)$(SYSTEMDUNITDIR)
	sed 's|^ExecStart=/usr/local/bin/sluice |ExecStart=$(BINDIR)/sluice |' contrib/sluice.service \
		>$(DESTDIR)$(SYSTEMDUNITDIR)/sluice.service
	chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/sluice.service

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))

# The Debian package (debian/), built from a copy of the tree in build/deb/src so that
# dpkg-buildpackage's output (it writes to the parent directory) stays in build/deb/.
deb:
	tools/build-deb build/deb

# The package installed with dpkg -i (as root), its binary and the demo run from it, purged.
check-deb: deb
	tests/deb build/deb

# cppcheck over src/; findings looked at and judged wrong are listed, with why, in
# .cppcheck-suppressions.
lint:
	cppcheck --enable=warning,style,performance,portability --std=c11 -Isrc --quiet \
		--inline-suppr --suppressions-list=.cppcheck-suppressions --error-exitcode=1 src/

format:
	clang-format -i src/*.c src/*.h tests/unit/*.c fuzz/*.c

format-check:
	clang-format --dry-run --Werror src/*.c src/*.h tests/unit/*.c fuzz/*.c

clean:
	rm -rf build build-asan build-fuzz

-include $(wildcard $(BUILD)/obj/*.d)
