# Thin wrapper around CMake. The two Quick start commands:
#   make run    build the collector and print this host's listeners
#   make check  install what the tests need (apt, only when missing) and run every test
.PHONY: run build check clean

build:
	cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DLISTENERS_BUILD_TESTS=OFF -DLISTENERS_BUILD_FUZZERS=OFF >/dev/null
	cmake --build build -j

run: build
	./build/listeners

check:
	.ci/check

clean:
	rm -rf build build-ci
