#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Unloading under traffic: a test driver floods the simulated host's echo
# device; first its own module, then the host, then the core go away while
# packets are in flight.  The kernel log must stay clean (the runner checks).
. /tests/lib/common.sh
check stack-up ensure_stack

P=/sys/module/vmbus_echo_load/parameters
ECHO_CLASS="{b00e0ec0-5eb0-4e0c-9f2a-7e57de71ce01}"
echoes() { cat "$P/echoed" 2>/dev/null || echo 0; }
flowing() { # echoes keep arriving
	e1=$(echoes); sleep 0.5; e2=$(echoes)
	[ "$e2" -gt "$e1" ]
}

check echo-offered sh -c "echo echo > $SIM/offer"
check echo-driver-autoloaded wait_for 10 bound_to "$ECHO_CLASS" vmbus_echo_load
check traffic-flows wait_for 10 flowing
check echoes-intact test "$(cat "$P/bad")" = 0
echo "INFO: sent $(cat "$P/sent") echoed $(echoes)"

# The driver module, mid-flood: its remove stops the sender, then closes.
check rmmod-driver-under-traffic rmmod vmbus_echo_load
check echo-device-stays has_class "$ECHO_CLASS"

# Again, then the host goes: the core removes every device first, the
# driver closes while the host still answers, then the connection unloads.
check reload-driver modprobe vmbus_echo_load
check traffic-again wait_for 10 flowing
check no-violations-under-traffic violations_zero
check rmmod-host-under-traffic rmmod vmbus_sim
check devices-gone-with-host sh -c "! ls $VMBUS/devices/* >/dev/null 2>&1"
check rmmod-core rmmod vmbus_echo_load hv_utils hv_vmbus
check all-unloaded sh -c "! grep -qE '^(hv_vmbus|vmbus_sim|vmbus_echo_load|hv_utils) ' /proc/modules"
check stack-back ensure_stack
check no-violations violations_zero
