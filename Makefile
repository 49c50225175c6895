# SPDX-License-Identifier: GPL-2.0
#
# Out-of-tree build of the VMBus guest driver suite against KDIR.
#   make            build every module (hv_vmbus, vmbus_sim, ...)
#   make check      install what the tests need, then run every test
#   make demo       install what the demo needs, boot it under QEMU
#   make install    install the modules into /lib/modules/<ver>/updates
#   make bench      benchmarks (not part of check)

KDIR ?= $(lastword $(sort $(wildcard /lib/modules/*/build)))
# What a guest gets installed, and what the tests also build.
SHIP_CONFIG := CONFIG_HV_SUITE_VMBUS=m CONFIG_HV_SUITE_STORVSC=m
SUITE_CONFIG := $(SHIP_CONFIG) CONFIG_HV_SUITE_SIM=m \
	CONFIG_HV_SUITE_TEST_MODULES=m

KBUILD = $(MAKE) -C $(KDIR) M=$(CURDIR) $(SUITE_CONFIG)
need_kdir = @test -n "$(KDIR)" || { echo "No kernel build tree under \
/lib/modules/*/build: apt-get install linux-headers-amd64 (or set KDIR=)"; \
exit 1; }

.PHONY: all modules clean install check demo bench

all: modules

modules:
	$(need_kdir)
	$(KBUILD) modules

clean:
	$(need_kdir)
	$(KBUILD) clean

# UTS_RELEASE, e.g. 6.1.0-56-amd64 (Debian's include/config/kernel.release
# holds the upstream version instead).
KVER_OF_KDIR = $(shell sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' \
	$(KDIR)/include/generated/utsrelease.h)

# Into /lib/modules/<KDIR's kernel release>/updates, which depmod ranks
# above the kernel's own modules (Debian's hv_vmbus included).  Unsigned:
# Debian's signing key is not ours (CONFIG_MODULE_SIG_ALL would try it).
# Only the shipping modules: not the simulated host, not the test drivers.
install:
	$(need_kdir)
	$(MAKE) -C $(KDIR) M=$(CURDIR) $(SHIP_CONFIG) modules
	$(MAKE) -C $(KDIR) M=$(CURDIR) $(SHIP_CONFIG) INSTALL_MOD_DIR=updates \
		CONFIG_MODULE_SIG_ALL= modules_install
	depmod -a $(KVER_OF_KDIR)

check:
	bash scripts/check.sh

demo:
	bash scripts/demo.sh

bench:
	bash scripts/bench.sh
