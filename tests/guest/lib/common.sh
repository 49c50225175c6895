#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Helpers for guest tests: sourced, never run on its own.
# Every check prints one "PASS: <name>" or "FAIL: <name>: <why>" line.

SIM=/sys/kernel/debug/vmbus_sim
VMBUS=/sys/bus/vmbus
HB_CLASS="{57164f39-9115-4e78-ab55-382f3bd5422d}"
SD_CLASS="{0e0b6031-5213-4934-818b-38d90ced39db}"

pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1: $2"; }

# check NAME COMMAND...: PASS if the command succeeds.
check() {
	name=$1; shift
	if "$@" >/tmp/check.out 2>&1; then
		pass "$name"
	else
		fail "$name" "$(tr '\n' ' ' </tmp/check.out | cut -c1-200)"
	fi
}

# wait_for SECONDS COMMAND...: poll until the command succeeds.
wait_for() {
	t=$(( $1 * 10 )); shift
	while [ "$t" -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
		t=$((t - 1))
	done
	"$@"
}

# Devices on the bus whose class_id is $1.
devices_of_class() {
	for d in "$VMBUS"/devices/*; do
		[ -e "$d/class_id" ] || continue
		[ "$(cat "$d/class_id")" = "$1" ] && echo "$d"
	done
}

has_class() { [ -n "$(devices_of_class "$1")" ]; }
no_class() { ! has_class "$1"; }

# The device of class $1 is bound to driver $2.
bound_to() {
	for d in $(devices_of_class "$1"); do
		[ "$(basename "$(readlink "$d/driver")")" = "$2" ] || return 1
	done
	has_class "$1"
}

violations_total() { awk '$1 == "total" { print $2 }' "$SIM/violations"; }

violations_zero() {
	v=$(violations_total)
	[ "$v" = "0" ] || { cat "$SIM/violations"; return 1; }
}

mount_debugfs() {
	grep -q ' /sys/kernel/debug debugfs ' /proc/mounts ||
		mount -t debugfs none /sys/kernel/debug
}

# Unload everything of ours and Debian's, in dependency order.
unload_all() {
	for m in hv_utils hv_netvsc hv_storvsc vmbus_sim hv_vmbus; do
		grep -q "^$m " /proc/modules && rmmod "$m"
	done
	! grep -qE '^(hv_vmbus|vmbus_sim|hv_utils) ' /proc/modules
}

# dmesg lines since the marker $1 (written with mark).
mark() { echo "TESTMARK $1" >/dev/kmsg; }
since() { dmesg | sed -n "/TESTMARK $1\$/,\$p"; }

# Bring up core + simulated host + hv_utils if an earlier test did not.
ensure_stack() {
	mount_debugfs
	grep -q '^hv_vmbus ' /proc/modules || modprobe hv_vmbus || return 1
	grep -q '^vmbus_sim ' /proc/modules ||
		modprobe vmbus_sim heartbeat_ms=200 || return 1
	wait_for 10 bound_to "$HB_CLASS" hv_utils
}

# Relid $1 is no longer among the host's offers (the file must exist).
relid_gone() {
	[ -r "$SIM/offers" ] && ! grep -qE "^ *$1[[:space:]]" "$SIM/offers"
}
