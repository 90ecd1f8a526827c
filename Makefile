# GANKit: `make run` (main job) and `make test` (the test suite) on a fresh Debian machine.
SWIFT ?= swift
APT_PACKAGES = pkg-config libopenblas-dev zlib1g-dev dataset-fashion-mnist
GANKIT = .build/release/gankit

.PHONY: deps build run test bench clean

# Installs the Debian packages GANKit needs (as root), or says which to install.
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing:$$missing"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else echo "GANKit needs these Debian packages: sudo apt-get install$$missing"; exit 1; fi; \
	fi

build: deps
	$(SWIFT) build -c release

run: build
	$(GANKIT) bench ops

test: deps
	$(SWIFT) test -c release -Xswiftc -enable-testing

bench: build
	$(GANKIT) bench ops

clean:
	rm -rf .build
