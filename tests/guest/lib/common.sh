#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# VMBus helpers for guest tests, on top of the harness's generic ones
# (/tests/lib.sh: pass, fail, check, wait_for, settle).  Sourced only.
. /tests/lib.sh

SIM=/sys/kernel/debug/vmbus_sim
VMBUS=/sys/bus/vmbus
HB_CLASS="{57164f39-9115-4e78-ab55-382f3bd5422d}"
SD_CLASS="{0e0b6031-5213-4934-818b-38d90ced39db}"

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

# The kernel log since mark $1 has no oops, warning or sanitizer report.
log_clean_since() {
	! since "$1" | grep -E 'BUG:|WARNING:|KASAN|UBSAN|Call Trace|possible circular|inconsistent lock'
}

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

# Heartbeats the simulated host has seen answered so far.
hb_acked() {
	awk '$1 == "heartbeat" { for (i = 2; i <= NF; i++) if ($i ~ /^acked=/) { sub("acked=", "", $i); print $i } }' "$SIM/ic"
}
