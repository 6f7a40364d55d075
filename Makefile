# kaleido: two commands do all set-up on a fresh Debian 12 machine.
#   make run    install missing packages, build, draw the Mandelbrot set
#   make test   install missing packages, build, run the whole test suite
#   make fuzz   build the libFuzzer targets in build-fuzz/, run each for 60 s
# Options: SANITIZE=address,undefined builds everything with sanitizers (in
# build-sanitize/), SANITIZE=thread with ThreadSanitizer (in build-tsan/); JOBS=N sets build parallelism (default 2); FUZZ_SECONDS=N
# sets how long `make fuzz` runs each target; WERROR=ON makes warnings errors
# (CI does).

JOBS     ?= 2
FUZZ_SECONDS ?= 60
WERROR   ?= OFF
SANITIZE ?=
ifeq ($(SANITIZE),)
BUILD    ?= build
else ifeq ($(SANITIZE),thread)
BUILD    ?= build-tsan
else
BUILD    ?= build-sanitize
endif
LLVM_DIR := /usr/lib/llvm-22/lib/cmake/llvm

.PHONY: all deps configure build run test check-lit check-unit bench fuzz clean

all: build

deps:
	@scripts/install-deps

$(BUILD)/build.ninja: CMakeLists.txt | deps
	cmake -G Ninja -S . -B $(BUILD) \
	  -DCMAKE_BUILD_TYPE=Release \
	  -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
	  -DLLVM_DIR=$(LLVM_DIR) -DKALEIDO_SANITIZE=$(SANITIZE) -DKALEIDO_WERROR=$(WERROR)

configure: $(BUILD)/build.ninja

build: deps configure
	ninja -C $(BUILD) -j$(JOBS)

run: build
	$(BUILD)/bin/kaleido examples/mandelbrot.ks

test: build
	ninja -C $(BUILD) -j$(JOBS) check

bench: build
	KALEIDO_BENCH_DEPS=1 scripts/install-deps
	bench/run

fuzz: deps
	JOBS=$(JOBS) scripts/fuzz-smoke $(FUZZ_SECONDS)

clean:
	rm -rf build build-sanitize build-tsan build-fuzz
