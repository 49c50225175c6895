#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Demo: load the VMBus core and the simulated host, show what appeared on
# the bus.
. /tests/lib.sh

for m in hv_vmbus vmbus_sim; do
	echo "== modprobe $m"
	if load "$m"; then
		pass "demo-load-$m"
	else
		fail "demo-load-$m" "modprobe failed"
	fi
done
settle 10

echo "== /sys/bus/vmbus/devices"
found=0
for d in /sys/bus/vmbus/devices/*; do
	[ -e "$d" ] || continue
	found=$((found + 1))
	drv=-
	[ -e "$d/driver" ] && drv=$(basename "$(readlink "$d/driver")")
	printf '%s\n    class_id  %s\n    device_id %s\n    driver    %s\n' \
		"$(basename "$d")" "$(cat "$d/class_id" 2>/dev/null)" \
		"$(cat "$d/device_id" 2>/dev/null)" "$drv"
done
echo "($found device(s))"

echo "== lsmod"
lsmod
finish
