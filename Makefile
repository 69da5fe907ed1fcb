# The two commands of the README's Quick start, plus the benchmark. Each installs the Debian
# packages it misses (packaging/install-deps.sh), configures with Ninja (Release) and builds.
BUILD_DIR ?= build
CMAKE_FLAGS ?=

.PHONY: all build run test bench clean

all: build

build:
	@bash packaging/install-deps.sh build
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) > /dev/null
	@cmake --build $(BUILD_DIR)

# Opens the console with the embedded gateway and the built-in mock provider (builds only the apps).
run:
	@bash packaging/install-deps.sh build
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) > /dev/null
	@cmake --build $(BUILD_DIR) --target gatehouse gatehouse-console
	$(BUILD_DIR)/app/gatehouse-console

test:
	@bash packaging/install-deps.sh test
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) > /dev/null
	@cmake --build $(BUILD_DIR)
	@cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error
	@ctest --test-dir $(BUILD_DIR) --output-on-failure

bench:
	@bash packaging/install-deps.sh bench
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) > /dev/null
	@cmake --build $(BUILD_DIR) --target gatehouse gatehouse-call-log-bench
	@bash tests/bench/run-bench.sh $(BUILD_DIR)

clean:
	rm -rf $(BUILD_DIR)
