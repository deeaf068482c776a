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
.SECONDARY: # keep intermediate objects (tools/*.o), so a second make has nothing to redo

CC        ?= cc
ifeq ($(origin CC),default)
CC        := gcc
endif
SAN_CC    ?= clang
ARM_CC    ?= aarch64-linux-gnu-gcc
# The arm64 multiarch libraries (libc6:arm64 comes with them) give /lib/ld-linux-aarch64.so.1;
# -L /usr/aarch64-linux-gnu would mix the cross toolchain's older libc into the process
# (pthread_create then hangs).
QEMU      ?= qemu-aarch64
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
# kernels/probe/ holds the benchmark's machine probes: ISA code, but not library kernels.
KERNEL_SRCS   := $(filter-out kernels/probe/%,$(sort $(wildcard kernels/*/*.c)))
PROBE_SRCS    := $(sort $(wildcard kernels/probe/*.c))
BENCH_SRCS    := $(sort $(wildcard harness/bench/*.c))
DISPATCH_SRCS := $(sort $(wildcard dispatch/*.c))
MODEL_SRCS    := $(sort $(wildcard model/*.c))
REF_SRCS      := $(sort $(wildcard ref/*.c))
HARNESS_COMMON_SRCS := $(sort $(wildcard harness/common/*.c))
TEST_SRCS     := $(sort $(wildcard tests/*.c))
TOOL_NAMES    := $(basename $(notdir $(wildcard tools/*.c)))
# `bitnet` = tools/bitnet.c + one file per subcommand; generators shared with the tests.
CLI_CMD_SRCS  := $(sort $(wildcard tools/cli/*.c))
CLI_SRCS      := tools/bitnet.c $(CLI_CMD_SRCS)
GEN_SRCS      := $(sort $(wildcard fixtures/gen/*.c))
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
$(1)_BENCHOBJS := $$(patsubst %.c,build/$(1)/%.o,$$(BENCH_SRCS) \
                  $$(foreach f,$$(PROBE_SRCS),$$(if $$(filter $$(call isa_of,$$f),$(5)),$$f)))
$(1)_GENOBJS  := $$(patsubst %.c,build/$(1)/%.o,$$(GEN_SRCS))
$(1)_CLIOBJS  := $$(patsubst %.c,build/$(1)/%.o,$$(CLI_SRCS))
$(1)_CMDOBJS  := $$(patsubst %.c,build/$(1)/%.o,$$(CLI_CMD_SRCS))
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

build/$(1)/bin/bench: build/$(1)/harness/bench.o $$($(1)_BENCHOBJS) $$($(1)_HOBJS) $$($(1)_REFA) $$($(1)_LIBA)
	@mkdir -p $$(@D)
	$$(Q)$(2) $(3) -o $$@ $$^ $(4)

build/$(1)/bin/bitnet: $$($(1)_CLIOBJS) $$($(1)_GENOBJS) $$($(1)_BENCHOBJS) $$($(1)_HOBJS) $$($(1)_REFA) $$($(1)_LIBA)
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
# libFuzzer build: the library instrumented for coverage, ASan and UBSan (make fuzz)
FUZZ_CC   ?= clang
FUZZ_SAN  := -fsanitize=address$(,)undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
$(eval $(call variant,fuzz,$(FUZZ_CC),-fsanitize=fuzzer-no-link $(FUZZ_SAN),$(FUZZ_SAN) $(LIBS),$(HOST_ISAS)))
ARM_SYS := -isystem /usr/include/aarch64-linux-gnu -idirafter /usr/include
$(eval $(call variant,arm,$(ARM_CC),-march=armv8-a $(ARM_SYS),-L/usr/lib/aarch64-linux-gnu $(LIBS),$(ARM_ISAS)))

# The receipt schema, compiled into verify-receipt as a C string so that the tool checks the
# schema it was built with wherever it runs (receipts/schema.json is the source).
build/%/gen/receipt_schema.h: receipts/schema.json
	@mkdir -p $(@D)
	@{ echo '/* generated from receipts/schema.json by the Makefile */'; \
	   echo 'static const char bn_receipt_schema_json[] ='; \
	   sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/    "/' -e 's/$$/\\n"/' $<; echo ';'; } > $@
$(foreach v,native san arm,$(eval build/$(v)/harness/common/verify.o: build/$(v)/gen/receipt_schema.h))

# ---------------------------------------------------------------- native products
SONAME  := libbitnet.so.$(word 1,$(subst ., ,$(shell sed -n 's/^#define BN_VERSION_STRING "\(.*\)"/\1/p' include/bitnet.h)))
VERSION := $(shell sed -n 's/^#define BN_VERSION_STRING "\(.*\)"/\1/p' include/bitnet.h)

build/native/libbitnet.so: $(native_LIBOBJS)
	$(Q)$(CC) -shared -Wl,-soname,$(SONAME) -o $@ $^ $(LIBS)

TOOLS := $(addprefix build/native/bin/,$(TOOL_NAMES))

# docs/examples/*.c: programs that use only the public API, built against the tree.
EXAMPLES := $(patsubst docs/examples/%.c,build/native/bin/example-%,$(wildcard docs/examples/*.c))
build/native/bin/example-%: build/native/docs/examples/%.o build/native/libbitnet.a
	@mkdir -p $(@D)
	$(Q)$(CC) -o $@ $^ $(LIBS)

.PHONY: all
all: build/native/libbitnet.a build/native/libbitnet.so $(TOOLS) $(EXAMPLES) build/native/bin/conform

# ---------------------------------------------------------------- tests
build/native/bin/unit-tests: $(patsubst %.c,build/native/%.o,$(TEST_SRCS)) $(native_CMDOBJS) $(native_GENOBJS) $(native_BENCHOBJS) $(native_HOBJS) $(native_REFA) $(native_LIBA)
	@mkdir -p $(@D)
	$(Q)$(CC) -o $@ $^ -lcriterion $(LIBS)

build/san/bin/unit-tests: $(patsubst %.c,build/san/%.o,$(TEST_SRCS)) $(san_CMDOBJS) $(san_GENOBJS) $(san_BENCHOBJS) $(san_HOBJS) $(san_REFA) $(san_LIBA)
	@mkdir -p $(@D)
	$(Q)$(SAN_CC) -fsanitize=address,undefined -o $@ $^ -lcriterion $(LIBS)

build/native/bin/alloc-count: build/native/tests/alloc/alloc_count.o $(native_LIBA)
	@mkdir -p $(@D)
	$(Q)$(CC) -o $@ $^ $(LIBS)

# Decoding allocates nothing after warm-up (the whole process is counted).
.PHONY: alloc-test
alloc-test: build/native/bin/alloc-count fixtures
	$(Q)build/native/bin/alloc-count build/fixtures/tinystories-3M.gguf build/fixtures/tiny-bitnet-b1.58.gguf \
	    build/fixtures/tiny-bitnet.gguf

CONFORM_RECEIPT ?= build/receipts/conformance.json

# The main job: the bundled TinyStories 3M ternary model writes a story (greedy, from BOS).
RUN_MODEL ?= build/fixtures/tinystories-3M.gguf
RUN_ARGS  ?= -n 256 --temp 0
.PHONY: run
run: build/native/bin/bitnet $(RUN_MODEL)
	$(Q)build/native/bin/bitnet run -m $(RUN_MODEL) $(RUN_ARGS)

# Everything that checks, in order of cost.  The unit tests need the fixture models.
.PHONY: test unit conformance conformance-arm arm-model test-san lint install-test
test: all lint unit golden-check conformance conformance-arm arm-model test-san alloc-test install-test verify-receipts fuzz-smoke
	@echo "make test: all passed"

# The receipts committed under receipts/ (docs/performance.md quotes them) still pass the
# verifier: schema, honesty rules, and dispatch as this tree would choose.
COMMITTED_RECEIPTS := $(wildcard receipts/*/*.json)
.PHONY: verify-receipts perf
verify-receipts: build/native/bin/verify-receipt
	$(if $(COMMITTED_RECEIPTS),$(Q)build/native/bin/verify-receipt $(COMMITTED_RECEIPTS),@echo "verify-receipts: none committed")

# End-to-end speed on the 2B4T-layout model: receipts and tables (tools/perf-receipts).
perf: all
	$(Q)tools/perf-receipts

unit: build/native/bin/unit-tests fixtures
	$(Q)build/native/bin/unit-tests --jobs 2

# The real TinyStories models on AArch64 (qemu): every format, both NEON tiers.
arm-model: build/arm/bin/bitnet fixtures
	$(Q)tests/scripts/arm-tinystories.sh build/arm/bin/bitnet "$(QEMU)"

conformance: build/native/bin/conform build/native/bin/verify-receipt
	@mkdir -p $(dir $(CONFORM_RECEIPT))
	$(Q)build/native/bin/conform --receipt $(CONFORM_RECEIPT)
	$(Q)build/native/bin/verify-receipt $(CONFORM_RECEIPT)

# The aarch64 receipt is verified by the native verifier: receipts check across architectures.
conformance-arm: build/arm/bin/conform build/native/bin/verify-receipt
	@mkdir -p build/receipts
	$(Q)$(QEMU) build/arm/bin/conform --quick --receipt build/receipts/conformance-aarch64.json
	$(Q)build/native/bin/verify-receipt build/receipts/conformance-aarch64.json

# Every NEON kernel in full mode, on the dot-product tier and capped to plain NEON.
.PHONY: conformance-arm-full
conformance-arm-full: build/arm/bin/conform
	$(Q)$(QEMU) build/arm/bin/conform
	$(Q)BN_ISA=neon $(QEMU) build/arm/bin/conform

test-san: build/san/bin/unit-tests build/san/bin/conform build/san/bin/bench fixtures
	$(Q)ASAN_OPTIONS=detect_leaks=1 build/san/bin/unit-tests --jobs 2
	$(Q)ASAN_OPTIONS=detect_leaks=1 build/san/bin/conform --quick
	@# the benchmark harness itself: every kernel, small shapes, 3 reps (~10 s; table discarded)
	$(Q)ASAN_OPTIONS=detect_leaks=1 build/san/bin/bench --quick --quiet --reps 3 --dram-bytes 67108864 \
	    --shapes attn_kv,cache,cache_head > /dev/null

# ---------------------------------------------------------------- fixtures (docs/gguf.md)
# The bundled TinyStories models, and tiny synthetic models of both architectures.
FIXTURE_MODELS := build/fixtures/tinystories-1M.gguf build/fixtures/tinystories-3M.gguf \
                  build/fixtures/tiny-bitnet-b1.58.gguf build/fixtures/tiny-bitnet.gguf
.PHONY: fixtures fixture-2b4t
fixtures: $(FIXTURE_MODELS)

build/fixtures/tinystories-%.gguf: fixtures/tinystories/bitllama2-%.bin fixtures/tinystories/tokenizer.bin build/native/bin/bitnet
	@mkdir -p $(@D)
	$(Q)build/native/bin/bitnet convert tinystories $< fixtures/tinystories/tokenizer.bin $@

build/fixtures/tiny-bitnet-b1.58.gguf: build/native/bin/bitnet
	@mkdir -p $(@D)
	$(Q)build/native/bin/bitnet gen tiny $@ --arch bitnet-b1.58

build/fixtures/tiny-bitnet.gguf: build/native/bin/bitnet
	@mkdir -p $(@D)
	$(Q)build/native/bin/bitnet gen tiny $@ --arch bitnet --dim 384 --ffn 640 --heads 6 --kv-heads 2 --scales

# The exact released 2B4T layout with random weights (~1.19 GB, never committed).
fixture-2b4t: build/native/bin/bitnet
	@mkdir -p build/fixtures
	$(Q)build/native/bin/bitnet gen 2b4t build/fixtures/layout-2b4t.gguf
	$(Q)build/native/bin/bitnet inspect build/fixtures/layout-2b4t.gguf | grep -E '^(metadata|tensors) |strict:'

# ---------------------------------------------------------------- fuzzing (docs/gguf.md)
# libFuzzer on the GGUF reader and the loader, seeded with the fixture models and the
# Llama 2 vocabulary file.  Needs clang and libclang-rt-14-dev (the fuzzer runtime).
FUZZ_SECONDS ?= 600
FUZZ_MAX_LEN ?= 200000
FUZZ_CORPUS  ?= build/fuzz-corpus
FUZZ_SEEDS   := build/fuzz-seeds
LLAMA2_VOCAB := ../shared/data/llama2-tokenizer/ggml-vocab-llama-spm.gguf
.PHONY: fuzz fuzz-smoke
build/fuzz/bin/fuzz-gguf: build/fuzz/fuzz/fuzz_gguf.o $(fuzz_LIBA)
	@mkdir -p $(@D)
	$(Q)$(FUZZ_CC) -fsanitize=fuzzer $(FUZZ_SAN) -o $@ $^ $(LIBS)

$(FUZZ_SEEDS)/.stamp: $(FIXTURE_MODELS) build/native/bin/bitnet
	@mkdir -p $(@D)
	$(Q)build/native/bin/bitnet gen tiny $(FUZZ_SEEDS)/small-b158.gguf --dim 128 --layers 1 --ffn 128 --heads 2 --kv-heads 1 --vocab 8
	$(Q)build/native/bin/bitnet gen tiny $(FUZZ_SEEDS)/small-bitnet-tq2.gguf --arch bitnet --dim 256 --layers 1 --ffn 256 --heads 2 --kv-heads 1 --vocab 8 --type tq2_0 --scales --output
	$(Q)build/native/bin/bitnet gen tiny $(FUZZ_SEEDS)/small-bitnet-tq1.gguf --arch bitnet --dim 256 --layers 1 --ffn 256 --heads 2 --kv-heads 2 --vocab 8 --type tq1_0 --embd f32
	$(Q)cp $(FIXTURE_MODELS) $(FUZZ_SEEDS)/
	$(Q)if [ -f $(LLAMA2_VOCAB) ]; then cp $(LLAMA2_VOCAB) $(FUZZ_SEEDS)/; fi
	@touch $@

fuzz: build/fuzz/bin/fuzz-gguf $(FUZZ_SEEDS)/.stamp
	@mkdir -p $(FUZZ_CORPUS)
	$(Q)ASAN_OPTIONS=detect_leaks=1 build/fuzz/bin/fuzz-gguf -max_total_time=$(FUZZ_SECONDS) -max_len=$(FUZZ_MAX_LEN) \
	    -rss_limit_mb=4096 -timeout=30 -print_final_stats=1 -artifact_prefix=build/ $(FUZZ_CORPUS) $(FUZZ_SEEDS)

fuzz-smoke:
	$(Q)$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=60

# make install into a temporary prefix; docs/examples/gemv.c built with pkg-config and run.
install-test: build/native/libbitnet.a build/native/libbitnet.so
	$(Q)MAKE="$(MAKE)" CC="$(CC)" tests/install-test.sh

# ---------------------------------------------------------------- golden vectors
# fixtures/golden pins the reference twins (tests/test_golden.c); tools/make-golden.c
# computes the expected outputs along independent paths (fixtures/golden/MANIFEST.md).
.PHONY: golden golden-check
golden: build/native/bin/make-golden
	$(Q)build/native/bin/make-golden fixtures/golden

golden-check: build/native/bin/make-golden
	@rm -rf build/golden-check && mkdir -p build/golden-check
	$(Q)build/native/bin/make-golden build/golden-check
	$(Q)diff -r fixtures/golden build/golden-check && echo "golden-check: fixtures/golden is exactly what make-golden writes"

# ---------------------------------------------------------------- bench
# The receipt is verified when the verifier exists in this tree (tools/verify-receipt.c).
BENCH_RECEIPT ?= build/receipts/kernel-bench.json
BENCH_ARGS    ?=
VERIFIER      := $(if $(wildcard tools/verify-receipt.c),build/native/bin/verify-receipt)
.PHONY: bench bench-quick
bench bench-quick: build/native/bin/bench $(VERIFIER)
	@mkdir -p $(dir $(BENCH_RECEIPT))
	$(Q)build/native/bin/bench $(if $(filter bench-quick,$@),--quick) --receipt $(BENCH_RECEIPT) $(BENCH_ARGS)
	$(if $(VERIFIER),$(Q)$(VERIFIER) $(BENCH_RECEIPT))

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
	@echo "  run           the bundled TinyStories model writes a story (RUN_MODEL, RUN_ARGS)"
	@echo "  test          everything that checks: lint, unit tests, golden-check, conformance on"
	@echo "                this CPU and of the aarch64 build under qemu (both receipts verified),"
	@echo "                ASan+UBSan run, install-test"
	@echo "  conformance   every usable kernel against its reference twin; writes and verifies"
	@echo "                a receipt (CONFORM_RECEIPT=$(CONFORM_RECEIPT))"
	@echo "  conformance-arm-full  the aarch64 conformance in full mode under qemu, default"
	@echo "                and BN_ISA=neon (slow: minutes)"
	@echo "  bench         per-kernel microbenchmarks against measured memory bandwidth: a"
	@echo "                markdown table and a receipt (BENCH_RECEIPT=$(BENCH_RECEIPT));"
	@echo "                BENCH_ARGS passes options (--filter, --shapes, --reps, --threads)"
	@echo "  bench-quick   the same in under a minute: fewer shapes and repetitions"
	@echo "  perf          bitnet bench (pp128, pp512, tg128) on the 2B4T-layout model for 1 and"
	@echo "                2 threads x every kernel format: verified receipts in receipts/2b4t and"
	@echo "                their tables (tools/perf-receipts; ~15 minutes, run on an idle machine)"
	@echo "  verify-receipts  the committed receipts under receipts/ pass verify-receipt (in test)"
	@echo "  install       PREFIX=$(PREFIX) DESTDIR= : libbitnet.a/.so, bitnet.h, bitnet.pc"
	@echo "  install-test  install into a temporary prefix and build docs/examples/gemv.c with pkg-config"
	@echo "  golden        regenerate fixtures/golden (tools/make-golden.c); golden-check compares"
	@echo "  unit          Criterion unit tests (build/native/bin/unit-tests); test-san: ASan+UBSan"
	@echo "  lint          registry (file stem == symbol == list entry) and clang-format"
	@echo "  fixtures      GGUF models in build/fixtures: TinyStories 1M/3M (converted), tiny synthetic"
	@echo "  fixture-2b4t  build/fixtures/layout-2b4t.gguf: the released 2B4T layout, random weights"
	@echo "  fuzz          libFuzzer on the GGUF reader and loader for FUZZ_SECONDS (default 600)"
	@echo "  fuzz-smoke    the same for 60 seconds"
	@echo "  clean         remove build/"
	@echo "variables: CC (gcc|clang), WERROR=0|1, V=1 verbose, OPT, QEMU, ARM_CC"
