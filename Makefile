# libbitnet - one non-recursive Makefile.  `make help` lists the targets.
#
# Three build variants share the same rules (the `variant` template below):
#   native  build/native   this machine, optimised (the library, tools, harness, tests)
#   san     build/san      the same with ASan + UBSan, for `make test`
#   arm     build/arm      aarch64 cross build (static), run under qemu-aarch64
# Kernel files get their ISA flags from the token after `__` in their name
# (kernels/i2s/i2s_gemv_1x4__avx2.c -> ISA_FLAGS_avx2).

.DEFAULT_GOAL := all
.SUFFIXES:
.DELETE_ON_ERROR:

CC        ?= cc
ifeq ($(origin CC),default)
CC        := gcc
endif
SAN_CC    ?= clang
ARM_CC    ?= aarch64-linux-gnu-gcc
QEMU      ?= qemu-aarch64 -L /usr/aarch64-linux-gnu
PREFIX    ?= /usr/local
DESTDIR   ?=
WERROR    ?= 1
V         ?= 0
Q         := $(if $(filter 1,$(V)),,@)

WARNINGS  := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wvla \
             $(if $(filter 1,$(WERROR)),-Werror)
# -ffp-contract=off everywhere: the ternary epilogue must never be fused into an FMA.
BASE      := -std=gnu11 -D_GNU_SOURCE -fPIC -ffp-contract=off -fno-strict-aliasing \
             -I. -Iinclude $(WARNINGS) -MMD -MP
OPT       ?= -O2 -g
REF_OPT   := -O2 -g
LIBS      := -lsleef -lopenblas -lhwloc -ljansson -lm -lpthread

ISA_FLAGS_scalar     :=
ISA_FLAGS_avx2       := -mavx2 -mfma -mf16c -mbmi2
ISA_FLAGS_avx512     := $(ISA_FLAGS_avx2) -mavx512f -mavx512bw -mavx512vl -mavx512dq -mavx512vnni
ISA_FLAGS_avx512vbmi := $(ISA_FLAGS_avx512) -mavx512vbmi
ISA_FLAGS_neon       :=
ISA_FLAGS_neondot    := -march=armv8.2-a+dotprod
X86_ISAS := scalar avx2 avx512 avx512vbmi
ARM_ISAS := scalar neon neondot

# The ISA token of a kernel file: kernels/f/x_y__avx512_k2.c -> avx512
isa_of = $(firstword $(subst _, ,$(lastword $(subst __, ,$(basename $(notdir $1))))))
flags_of = $(if $(filter kernels/%,$1),$(ISA_FLAGS_$(call isa_of,$1)))

# ---------------------------------------------------------------- sources
KERNEL_SRCS   := $(sort $(wildcard kernels/*/*.c))
DISPATCH_SRCS := $(sort $(wildcard dispatch/*.c))
MODEL_SRCS    := $(sort $(wildcard model/*.c))
REF_SRCS      := $(sort $(wildcard ref/*.c))
HARNESS_COMMON_SRCS := $(sort $(wildcard harness/common/*.c))
TEST_SRCS     := $(sort $(wildcard tests/*.c))
TOOL_NAMES    := $(basename $(notdir $(wildcard tools/*.c)))
LIB_SRCS       = $(DISPATCH_SRCS) $(MODEL_SRCS)

GIT_COMMIT := $(shell git rev-parse HEAD 2>/dev/null || echo unknown)
GIT_DIRTY  := $(shell test -n "$$(git status --porcelain --untracked-files=no 2>/dev/null)" && echo 1 || echo 0)
.PHONY: FORCE
FORCE:

# ---------------------------------------------------------------- the variant template
# $(1) name  $(2) compiler  $(3) extra CFLAGS  $(4) extra LDFLAGS  $(5) kernel ISAs
define variant
$(1)_DIR      := build/$(1)
$(1)_KSRCS    := $$(foreach f,$$(KERNEL_SRCS),$$(if $$(filter $$(call isa_of,$$f),$(5)),$$f))
$(1)_LIBOBJS  := $$(patsubst %.c,build/$(1)/%.o,$$(LIB_SRCS) $$($(1)_KSRCS))
$(1)_REFOBJS  := $$(patsubst %.c,build/$(1)/%.o,$$(REF_SRCS))
$(1)_HOBJS    := $$(patsubst %.c,build/$(1)/%.o,$$(HARNESS_COMMON_SRCS))
$(1)_LIBA     := build/$(1)/libbitnet.a
$(1)_REFA     := build/$(1)/libbitnet_ref.a

build/$(1)/gen/buildinfo.h: FORCE
	@mkdir -p $$(@D)
	@{ echo '#define BN_GIT_COMMIT "$$(GIT_COMMIT)"'; echo '#define BN_GIT_DIRTY $$(GIT_DIRTY)'; \
	   echo '#define BN_BUILD_CFLAGS "$$(strip $$(OPT) $(3))"'; } > $$@.tmp
	@cmp -s $$@.tmp $$@ && rm -f $$@.tmp || mv -f $$@.tmp $$@

build/$(1)/ref/%.o: ref/%.c | build/$(1)/gen/buildinfo.h
	@mkdir -p $$(@D)
	$$(if $$(Q),@echo "  CC[$(1)]  $$<")
	$$(Q)$(2) $$(BASE) $$(REF_OPT) $(3) -c $$< -o $$@

build/$(1)/%.o: %.c | build/$(1)/gen/buildinfo.h
	@mkdir -p $$(@D)
	$$(if $$(Q),@echo "  CC[$(1)]  $$<")
	$$(Q)$(2) $$(BASE) -Ibuild/$(1)/gen $$(OPT) $(3) $$(call flags_of,$$<) -c $$< -o $$@

$$($(1)_LIBA): $$($(1)_LIBOBJS)
	$$(Q)rm -f $$@ && ar rcs $$@ $$^

$$($(1)_REFA): $$($(1)_REFOBJS)
	$$(Q)rm -f $$@ && ar rcs $$@ $$^

build/$(1)/bin/conform: build/$(1)/harness/conform.o $$($(1)_HOBJS) $$($(1)_REFA) $$($(1)_LIBA)
	@mkdir -p $$(@D)
	$$(Q)$(2) $(3) -o $$@ $$^ $(4)

build/$(1)/bin/bench: build/$(1)/harness/bench.o $$($(1)_HOBJS) $$($(1)_REFA) $$($(1)_LIBA)
	@mkdir -p $$(@D)
	$$(Q)$(2) $(3) -o $$@ $$^ $(4)

build/$(1)/bin/%: build/$(1)/tools/%.o $$($(1)_HOBJS) $$($(1)_REFA) $$($(1)_LIBA)
	@mkdir -p $$(@D)
	$$(Q)$(2) $(3) -o $$@ $$^ $(4)

-include $$(shell find build/$(1) -name '*.d' 2>/dev/null)
endef

, := ,
HOST_ARCH := $(shell uname -m)
HOST_ISAS := $(if $(filter aarch64 arm64,$(HOST_ARCH)),$(ARM_ISAS),$(if $(filter x86_64,$(HOST_ARCH)),$(X86_ISAS),scalar))
SAN_FLAGS := -fsanitize=address$(,)undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
$(eval $(call variant,native,$(CC),,$(LIBS),$(HOST_ISAS)))
$(eval $(call variant,san,$(SAN_CC),$(SAN_FLAGS),-fsanitize=address$(,)undefined $(LIBS),$(HOST_ISAS)))
ARM_SYS := -isystem /usr/include/aarch64-linux-gnu -idirafter /usr/include
$(eval $(call variant,arm,$(ARM_CC),-march=armv8-a $(ARM_SYS),-L/usr/lib/aarch64-linux-gnu $(LIBS),$(ARM_ISAS)))

# ---------------------------------------------------------------- native products
SONAME  := libbitnet.so.$(word 1,$(subst ., ,$(shell sed -n 's/^#define BN_VERSION_STRING "\(.*\)"/\1/p' include/bitnet.h)))
VERSION := $(shell sed -n 's/^#define BN_VERSION_STRING "\(.*\)"/\1/p' include/bitnet.h)

build/native/libbitnet.so: $(native_LIBOBJS)
	$(Q)$(CC) -shared -Wl,-soname,$(SONAME) -o $@ $^ $(LIBS)

TOOLS := $(addprefix build/native/bin/,$(TOOL_NAMES))

.PHONY: all
all: build/native/libbitnet.a build/native/libbitnet.so $(TOOLS) build/native/bin/conform

# ---------------------------------------------------------------- tests
build/native/bin/unit-tests: $(patsubst %.c,build/native/%.o,$(TEST_SRCS)) $(native_HOBJS) $(native_REFA) $(native_LIBA)
	@mkdir -p $(@D)
	$(Q)$(CC) -o $@ $^ -lcriterion $(LIBS)

build/san/bin/unit-tests: $(patsubst %.c,build/san/%.o,$(TEST_SRCS)) $(san_HOBJS) $(san_REFA) $(san_LIBA)
	@mkdir -p $(@D)
	$(Q)$(SAN_CC) -fsanitize=address,undefined -o $@ $^ -lcriterion $(LIBS)

CONFORM_RECEIPT ?= build/receipts/conformance.json

.PHONY: test unit conformance conformance-arm test-san lint
test: all lint unit conformance conformance-arm test-san
	@echo "make test: all passed"

unit: build/native/bin/unit-tests
	$(Q)build/native/bin/unit-tests --jobs 2

conformance: build/native/bin/conform build/native/bin/verify-receipt
	@mkdir -p $(dir $(CONFORM_RECEIPT))
	$(Q)build/native/bin/conform --receipt $(CONFORM_RECEIPT)
	$(Q)build/native/bin/verify-receipt $(CONFORM_RECEIPT)

conformance-arm: build/arm/bin/conform
	$(Q)$(QEMU) build/arm/bin/conform --quick

# Every NEON kernel in full mode, on the dot-product tier and capped to plain NEON.
.PHONY: conformance-arm-full
conformance-arm-full: build/arm/bin/conform
	$(Q)$(QEMU) build/arm/bin/conform
	$(Q)BN_ISA=neon $(QEMU) build/arm/bin/conform

test-san: build/san/bin/unit-tests build/san/bin/conform
	$(Q)ASAN_OPTIONS=detect_leaks=1 build/san/bin/unit-tests --jobs 2
	$(Q)ASAN_OPTIONS=detect_leaks=1 build/san/bin/conform --quick

# ---------------------------------------------------------------- bench
.PHONY: bench
bench: build/native/bin/bench
	$(Q)build/native/bin/bench

# ---------------------------------------------------------------- lint
lint:
	$(Q)tools/lint-registry
	$(Q)tools/lint-format

# ---------------------------------------------------------------- install
.PHONY: install
install: build/native/libbitnet.a build/native/libbitnet.so
	install -d $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/lib/pkgconfig
	install -m 644 build/native/libbitnet.a $(DESTDIR)$(PREFIX)/lib/
	install -m 755 build/native/libbitnet.so $(DESTDIR)$(PREFIX)/lib/libbitnet.so.$(VERSION)
	ln -sf libbitnet.so.$(VERSION) $(DESTDIR)$(PREFIX)/lib/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(PREFIX)/lib/libbitnet.so
	install -m 644 include/bitnet.h $(DESTDIR)$(PREFIX)/include/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' -e 's|@LIBS@|$(LIBS)|' \
	    tools/bitnet.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/bitnet.pc

# ---------------------------------------------------------------- misc
.PHONY: clean help
clean:
	rm -rf build

help:
	@echo "libbitnet $(VERSION) - targets:"
	@echo "  all           library (static + shared), tools, conformance harness  [default]"
	@echo "  test          everything below that checks: lint, unit tests, conformance on this"
	@echo "                CPU, conformance of the aarch64 build under qemu, ASan+UBSan run"
	@echo "  conformance   every usable kernel against its reference twin; writes and verifies"
	@echo "                a receipt (CONFORM_RECEIPT=$(CONFORM_RECEIPT))"
	@echo "  conformance-arm-full  the aarch64 conformance in full mode under qemu, default"
	@echo "                and BN_ISA=neon (slow: minutes)"
	@echo "  bench         per-kernel microbenchmarks against measured memory bandwidth"
	@echo "  install       PREFIX=$(PREFIX) DESTDIR= : libbitnet.a/.so, bitnet.h, bitnet.pc"
	@echo "  lint          registry (file stem == symbol == list entry) and clang-format"
	@echo "  clean         remove build/"
	@echo "variables: CC (gcc|clang), WERROR=0|1, V=1 verbose, OPT, QEMU, ARM_CC"
