#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Version negotiation: the host capped at every version from 5.3 down to
# 0.13 (WS2008); the core falls back to it and hv_utils still works.  Then
# the guest side capped (hv_vmbus max_version) below what the host offers.
. /tests/lib/common.sh
mount_debugfs


try_version() { # $1 = label, $2 = expected version, rest = module args
	label=$1 want=$2; shift 2
	unload_all || { fail "$label-unload" "modules still loaded"; return; }
	mark "$label"
	modprobe hv_vmbus "$@" 2>/dev/null || modprobe hv_vmbus
	modprobe vmbus_sim heartbeat_ms=100 $SIMARGS
	if ! since "$label" | grep -q "Vmbus version:$want\$"; then
		fail "$label" "did not negotiate $want: $(since "$label" | grep -i 'version' | tr '\n' ' ')"
		return
	fi
	if ! wait_for 10 bound_to "$HB_CLASS" hv_utils; then
		fail "$label" "hv_utils did not bind"
		return
	fi
	a1=$(hb_acked); sleep 1; a2=$(hb_acked)
	if [ "${a2:-0}" -le "${a1:-0}" ]; then
		fail "$label" "no heartbeats ($a1 -> $a2)"
		return
	fi
	if ! violations_zero >/dev/null; then
		fail "$label" "violations: $(tr '\n' ' ' <"$SIM/violations")"
		return
	fi
	pass "$label"
}

for v in 5.3 5.2 5.1 5.0 4.1 4.0 3.0 2.4 1.1 0.13; do
	SIMARGS="max_version=$v" try_version "host-max-$v" "$v"
done
SIMARGS="" try_version guest-max-4.0 4.0 max_version=4.0
SIMARGS="" try_version guest-max-0.13 0.13 max_version=0.13

# Leave the default set-up for the tests that follow.
unload_all
modprobe hv_vmbus
modprobe vmbus_sim heartbeat_ms=200
check back-to-default wait_for 10 bound_to "$HB_CLASS" hv_utils
