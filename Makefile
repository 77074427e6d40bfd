# Thin wrapper around CMake. The two Quick start commands:
#   make run    install the build tools when missing, build the collector and
#               print this host's listeners
#   make check  install what the tests need (apt, only when missing) and run every test
# Also:
#   make test        the fast loop: one ASan+UBSan build (clang) and its whole ctest suite
#   make static      build-static/listeners: a static-pie musl binary (no loader needed)
#   make fresh-root  the README's two commands in a brand-new Debian 12 root (mmdebstrap)
#   make deb         build-deb/*.deb: listeners, liblisteners0, liblisteners-dev (CPack),
#                    checked by lintian (no error)
.PHONY: run build deps-build check test static deb fresh-root clean

# .ci/deps installs as root, or prints the apt-get line and exits 2.
deps-build:
	@command -v cmake >/dev/null && command -v cc >/dev/null && command -v make >/dev/null || .ci/deps build

build: deps-build
	cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DLISTENERS_BUILD_TESTS=OFF -DLISTENERS_BUILD_FUZZERS=OFF >/dev/null
	cmake --build build -j

run: build
	./build/listeners

check:
	.ci/check

test:
	@.ci/deps check
	cmake -S . -B build-test -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug -DLISTENERS_SANITIZE=ON \
	  -DLISTENERS_WERROR=ON >/dev/null
	cmake --build build-test -j >/dev/null
	ctest --test-dir build-test --output-on-failure -j "$$(nproc)"

static:
	@.ci/deps static
	cmake -S . -B build-static -DCMAKE_TOOLCHAIN_FILE=cmake/musl-static-pie.cmake -DCMAKE_BUILD_TYPE=Release \
	  -DLISTENERS_BUILD_TESTS=OFF -DLISTENERS_BUILD_FUZZERS=OFF >/dev/null
	cmake --build build-static -j
	.ci/static-check build-static/listeners

# Installed under /usr, units in /lib/systemd/system as Debian 12 puts them.
deb:
	@.ci/deps deb
	cmake -S . -B build-deb -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr \
	  -DLISTENERS_SYSTEMD_UNIT_DIR=/lib/systemd/system -DLISTENERS_BUILD_TESTS=OFF \
	  -DLISTENERS_BUILD_FUZZERS=OFF >/dev/null
	cmake --build build-deb -j
	rm -f build-deb/*.deb
	cd build-deb && cpack -G DEB >/dev/null
	lintian --fail-on error build-deb/*.deb
	@ls -1 build-deb/*.deb

fresh-root:
	.ci/fresh-root

clean:
	rm -rf build build-dev build-test build-ci build-static build-fuzz build-deb
