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

echo "== negotiated (kernel log)"
dmesg | grep -E 'Vmbus version|connected through|IC version' | sed 's/^\[[^]]*\] /    /'

SIM=/sys/kernel/debug/vmbus_sim
sleep 3
echo "== integration services, as the simulated host sees them"
sed 's/^/    /' "$SIM/ic"
echo "== channels (relid:cpu) and ring indices of the heartbeat device"
for d in /sys/bus/vmbus/devices/*; do
	[ "$(cat "$d/class_id")" = "{57164f39-9115-4e78-ab55-382f3bd5422d}" ] || continue
	echo "    channel_vp_mapping $(cat "$d/channel_vp_mapping")"
	echo "    out: read $(cat "$d/out_read_index") write $(cat "$d/out_write_index")" \
	     " in: read $(cat "$d/in_read_index") write $(cat "$d/in_write_index")"
done
echo "== protocol violations counted by the simulated host"
sed 's/^/    /' "$SIM/violations"
echo "== the last messages and packets across the host boundary (trace)"
tail -n 8 "$SIM/trace" | sed 's/^/    /'

echo "== lsmod"
lsmod
finish
