# SPDX-License-Identifier: Apache-2.0
# pcon: plain Makefile. Targets: all, check (unit tests), test (unit and
# system tests), asan, fuzz-build, fuzz, demo, install, format,
# format-check, clean.

VERSION := 0.1.0
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
CC ?= cc

# Start-up time is the product: libraries only commands need are linked
# statically (their unused parts drop out) and libsubid, whose shadow
# dependencies (PAM, SELinux, audit) would cost every command a millisecond,
# is opened only when the pause process is made. Dynamic: libc only.
PKGS := yajl libarchive libcrypto
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
STATIC_LIBS := -lyajl_s -lyaml -larchive -lzstd -llzma -lbz2 -llz4 -lz -lcrypto -lseccomp
PKG_LIBS := -Wl,-Bstatic $(STATIC_LIBS) -Wl,-Bdynamic -ldl -lpthread

CFLAGS ?= -O2 -g
override CFLAGS += -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wformat=2 \
    -Wmissing-prototypes -Wstrict-prototypes -Wno-missing-field-initializers \
    -Wno-format-nonliteral -MMD -MP -DPCON_VERSION='"$(VERSION)"' $(PKG_CFLAGS)
LDLIBS += $(PKG_LIBS)

LIB_SRC := $(wildcard lib/*.c)
STORAGE_SRC := $(wildcard storage/*.c)
REGISTRY_SRC := $(wildcard registry/*.c)
NETNS_SRC := $(wildcard netns/*.c)
ENGINE_SRC := $(wildcard engine/*.c)
POD_SRC := $(wildcard pod/*.c)
BUILDER_SRC := $(wildcard builder/*.c)
CMD_SRC := $(wildcard cmd/*.c)
CORE_SRC := $(LIB_SRC) $(STORAGE_SRC) $(REGISTRY_SRC) $(NETNS_SRC) $(ENGINE_SRC) $(POD_SRC) \
    $(BUILDER_SRC)

BUILD ?= build
CORE_OBJ := $(CORE_SRC:%.c=$(BUILD)/%.o)
CMD_OBJ := $(CMD_SRC:%.c=$(BUILD)/%.o)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

all: pcon

# copied through a rename: a running pcon keeps its old binary
pcon: $(BUILD)/pcon
	cp $< $@.tmp && mv -f $@.tmp $@

$(BUILD)/pcon: $(CORE_OBJ) $(CMD_OBJ)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

# A pod's infra process (pod/infra/pcon-infra.c): freestanding, no libc,
# whatever the build's own flags (sanitizers have no place in it); its
# bytes are compiled into pcon (engine/infra_blob.c), which writes it into
# each infra container's empty root. The stem is the build directory.
INFRA_CFLAGS := -Os -static -nostdlib -ffreestanding -fno-stack-protector \
    -fno-asynchronous-unwind-tables -fno-pie -no-pie -Wl,--build-id=none -s -Wall -Wextra -Werror
%/pod/infra/pcon-infra: pod/infra/pcon-infra.c
	@mkdir -p $(dir $@)
	$(CC) $(INFRA_CFLAGS) -o $@ $<
%/pod/infra/pcon-infra.inc: %/pod/infra/pcon-infra
	od -An -v -tx1 $< | sed -e 's/\([0-9a-f][0-9a-f]\)/0x\1,/g' >$@.tmp && mv -f $@.tmp $@
$(BUILD)/engine/infra_blob.o: engine/infra_blob.c $(BUILD)/pod/infra/pcon-infra.inc
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -I$(BUILD)/pod/infra -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(CORE_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

# Unit tests: pure modules, TAP output.
check: $(UNIT_BIN)
	@rc=0; for t in $(UNIT_BIN); do echo "# $$t"; $$t || rc=1; done; exit $$rc

# As root on a fresh machine the packages come first (contrib/setup-host.sh
# installs them with apt-get); the build then runs in a new make, which
# sees the libraries pkg-config now finds.
host-deps:
	@if [ "$$(id -u)" = 0 ]; then bash contrib/setup-host.sh; fi

# All tests: unit and system (bats, the real binary as an unprivileged
# user). As root this prepares the host and reruns as the test user.
test: host-deps
	@$(MAKE) --no-print-directory pcon $(UNIT_BIN)
	@tests/run.sh $(UNIT_BIN)

# The sanitizer build: same tests, binary built with ASan and UBSan.
asan: host-deps
	$(MAKE) BUILD=build-asan CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer" \
	    LDFLAGS="-fsanitize=address,undefined" pcon-asan
	PCON=$(CURDIR)/pcon-asan tests/run.sh $(patsubst $(BUILD)/%,build-asan/%,$(UNIT_BIN))

pcon-asan: $(BUILD)/pcon $(UNIT_BIN)
	cp $< $@.tmp && mv -f $@.tmp $@

# Fuzzing: a libFuzzer target per group of parsers of untrusted input
# (tests/fuzz/fuzz_*.c), linked with the modules built by clang under ASan
# and UBSan (an archive: each target pulls in only what it calls).
# `make fuzz FUZZ_SECONDS=N` runs each N seconds from its seed corpus
# (tests/fuzz/corpus/<target>/, read only) and fails on any finding.
FUZZ_CC ?= clang
FUZZ_BUILD := build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_FLAGS := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=undefined \
    -fno-omit-frame-pointer -Wno-unused-variable
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(FUZZ_BUILD)/%)
FUZZ_OBJ := $(CORE_SRC:%.c=$(FUZZ_BUILD)/%.o)

# clang warns of cleanup-attribute variables it thinks unused: not here
$(FUZZ_BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CFLAGS) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_BUILD)/engine/infra_blob.o: engine/infra_blob.c $(FUZZ_BUILD)/pod/infra/pcon-infra.inc
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CFLAGS) $(FUZZ_FLAGS) -I$(FUZZ_BUILD)/pod/infra -c -o $@ $<

$(FUZZ_BUILD)/libpcon.a: $(FUZZ_OBJ)
	rm -f $@ && ar rcs $@ $^

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_BUILD)/libpcon.a
	$(FUZZ_CC) $(CFLAGS) $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_BUILD)/libpcon.a $(LDLIBS)

fuzz-build: $(FUZZ_BIN)

fuzz: fuzz-build
	tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_BIN)

# The main job on a local image: build, import a busybox image, run it.
demo: host-deps
	@$(MAKE) --no-print-directory pcon
	@contrib/demo.sh

# pcon is also systemd's user generator for quadlet files, by that name
USER_GENERATOR_DIR ?= $(PREFIX)/lib/systemd/user-generators
MANDIR ?= $(PREFIX)/share/man
COMPLETIONDIR ?= $(PREFIX)/share/bash-completion/completions
install: pcon
	install -D -m 0755 pcon $(DESTDIR)$(BINDIR)/pcon
	install -d $(DESTDIR)$(USER_GENERATOR_DIR) $(DESTDIR)$(COMPLETIONDIR) $(DESTDIR)$(MANDIR)/man1
	ln -sf $(BINDIR)/pcon $(DESTDIR)$(USER_GENERATOR_DIR)/pcon-user-generator
	./pcon completion bash > $(DESTDIR)$(COMPLETIONDIR)/pcon
	./pcon completion man $(DESTDIR)$(MANDIR)/man1

# the man pages and the bash completion, from the command tables, into $(BUILD)
man: pcon
	./pcon completion man $(BUILD)/man1
	./pcon completion bash > $(BUILD)/pcon.bash

# every C file of the tree's own (build outputs aside)
FORMAT_SRC = $(CORE_SRC) $(CMD_SRC) $(wildcard */*.h) $(UNIT_SRC) $(wildcard tests/unit/*.h) \
    $(FUZZ_SRC) $(wildcard tests/fuzz/*.h) $(wildcard tests/system/*.c)

format:
	clang-format -i $(FORMAT_SRC)

format-check:
	clang-format --dry-run --Werror $(FORMAT_SRC)

clean:
	rm -rf build build-asan $(FUZZ_BUILD) pcon pcon-asan

.PHONY: all check test asan fuzz-build fuzz demo host-deps install man format format-check clean

-include $(CORE_OBJ:.o=.d) $(CMD_OBJ:.o=.d) $(wildcard $(FUZZ_BUILD)/*.d $(FUZZ_BUILD)/*/*.d)
