# GANKit: `make run` (main job) and `make test` (the test suite) on a fresh Debian machine.
SWIFT ?= swift
APT_PACKAGES = pkg-config libopenblas-dev zlib1g-dev libturbojpeg0-dev dataset-fashion-mnist
# Optional: Open MPI for data-parallel training (loaded at run time, never linked). `make test`
# installs it when run as root so the MPI tests run; without it they are skipped.
MPI_PACKAGES = openmpi-bin
GANKIT = .build/release/gankit
# The main job: the reference DCGAN on Fashion-MNIST, about 8 minutes on 2 cores.
RUN ?= runs/dcgan-fashion-mnist
EPOCHS ?= 2

.PHONY: deps mpi-deps build run test bench clean

# Installs the Debian packages GANKit needs (as root), or says which to install.
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing:$$missing"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else echo "GANKit needs these Debian packages: sudo apt-get install$$missing"; exit 1; fi; \
	fi

# Installs Open MPI when root and missing; never fails the build (the MPI tests skip without it).
mpi-deps:
	@missing=""; for p in $(MPI_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing (optional, for the MPI tests):$$missing"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing) \
	      || echo "Could not install$$missing: the MPI tests will be skipped"; \
	  else echo "Open MPI is not installed (sudo apt-get install$$missing): the MPI tests will be skipped"; fi; \
	fi

build: deps
	$(SWIFT) build -c release

# Trains (or, when the run folder has a checkpoint, resumes up to EPOCHS), then samples.
run: build
	$(GANKIT) train dcgan --dataset fashion-mnist --epochs $(EPOCHS) --out $(RUN) \
	  $$( [ -f $(RUN)/checkpoints/training.safetensors ] && echo --resume )
	$(GANKIT) sample --run $(RUN) --count 64 --seed 1 --grid $(RUN)/samples.png --out $(RUN)/samples.npy
	@echo "samples: $(RUN)/samples.png (grid), $(RUN)/samples.npy; per-epoch grids in $(RUN)/samples/"

test: deps mpi-deps
	$(SWIFT) test -c release -Xswiftc -enable-testing --disable-swift-testing

bench: build
	$(GANKIT) bench ops
	$(GANKIT) bench train --model dcgan
	$(GANKIT) bench train --model vanilla --steps 300

clean:
	rm -rf .build
