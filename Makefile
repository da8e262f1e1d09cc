# sg17 - the two commands of the README, and a few more.
#   make run         install deps, build, start sg17d on 127.0.0.1:8017 (./var)
#   make check       install deps, build, run every test (all labels but slow),
#                    then the same suite under ASan+UBSan
#   make check-long  the slow suites (full vector sets, long fuzz, soak)
BUILD      ?= build
ASAN_BUILD ?= build-asan
CT_BUILD   ?= build-ct
FUZZ_BUILD ?= build-fuzz
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
WERROR     ?= $(if $(CI),ON,OFF)
CMAKE_GEN  ?= -G Ninja

.PHONY: all deps build run check check-dev check-asan check-long fuzz bench clean format tidy cppcheck

all: build

deps:
	@bash scripts/install-deps

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSG17_WERROR=$(WERROR)

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

run: build
	@bash scripts/demo $(BUILD)

check: deps
	$(MAKE) --no-print-directory check-dev
	$(MAKE) --no-print-directory check-asan

check-dev: $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)
	ctest --test-dir $(BUILD) -LE slow --output-on-failure -j $(JOBS)

check-asan:
	cmake -S . -B $(ASAN_BUILD) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Debug -DSG17_SANITIZE=ON \
	  -DSG17_WERROR=$(WERROR) -DSG17_BUILD_SHARED=OFF
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --test-dir $(ASAN_BUILD) -LE slow --output-on-failure -j $(JOBS)

check-long: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)
	ctest --test-dir $(BUILD) -L slow --output-on-failure -j $(JOBS)

fuzz: deps
	CC=clang cmake -S . -B $(FUZZ_BUILD) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Debug -DSG17_FUZZ=ON \
	  -DSG17_BUILD_SHARED=OFF -DSG17_CT_TESTING=OFF
	cmake --build $(FUZZ_BUILD) -j $(JOBS)

bench: deps
	cmake -S . -B build-release $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Release -DSG17_CT_TESTING=OFF
	cmake --build build-release -j $(JOBS)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

tidy: $(BUILD)/build.ninja
	clang-tidy -p $(BUILD) $$(git ls-files 'src/*.c')

cppcheck:
	cppcheck --error-exitcode=1 --enable=warning,portability --inline-suppr -q \
	  --suppress=missingIncludeSystem -I include -I src/lib -I src/lib/common \
	  --include=scripts/cppcheck-jansson.h \
	  src

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(CT_BUILD) $(FUZZ_BUILD) build-release
