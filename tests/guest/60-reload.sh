#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Everything unloads cleanly (while heartbeats are flowing) and reloads.
. /tests/lib/common.sh
mount_debugfs

for round in 1 2 3; do
	check "unload-$round" unload_all
	check "bus-gone-$round" test ! -d "$VMBUS"
	check "reload-core-$round" modprobe hv_vmbus
	check "reload-sim-$round" modprobe vmbus_sim heartbeat_ms=50
	check "rebound-$round" wait_for 10 bound_to "$HB_CLASS" hv_utils
	sleep 1
	check "no-violations-$round" violations_zero
done
