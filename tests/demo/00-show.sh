#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Demo: load the VMBus core and the simulated host (ICs and a SCSI
# controller with three RAM disks), show what appeared on the bus, then use
# the disks through our hv_storvsc.
. /tests/lib/disk.sh

for m in hv_vmbus "vmbus_sim devices=heartbeat,shutdown,scsi"; do
	echo "== modprobe $m"
	# shellcheck disable=SC2086 # module name and parameters
	if load $m; then
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

echo "== synthetic SCSI: our hv_storvsc on the simulated StorVSP"
if wait_disks; then
	pass demo-disks
else
	fail demo-disks "the three disks did not appear"
fi
dmesg | grep -iE 'hv_storvsc|sd [0-9:]+: \[sd' | sed 's/^\[[^]]*\] /    /' | tail -n 12
for t in "0 0" "0 1" "1 0"; do
	# shellcheck disable=SC2086 # target and LUN
	sd=$(sd_of $t)
	echo "    target:lun ${t% *}:${t#* } -> /dev/$sd, $(($(disk_bytes "$sd") >> 20)) MiB," \
		"max I/O $(cat /sys/block/$sd/queue/max_sectors_kb) KiB," \
		"discard $(cat /sys/block/$sd/queue/discard_max_bytes) B"
done
echo "== ext4 on /dev/$(sd_of $DISK_A)"
modprobe ext4
mkdir -p "$MNT"
mkfs.ext4 -q -F "/dev/$(sd_of $DISK_A)" && mount "/dev/$(sd_of $DISK_A)" "$MNT" &&
	dd if=/dev/urandom of="$MNT/data" bs=1M count=16 2>/dev/null && sync &&
	df -h "$MNT" | sed 's/^/    /' && umount "$MNT" && pass demo-ext4 ||
	fail demo-ext4 "mkfs, mount or write failed"
echo "== fio: 4 KiB random read/write, QD32, crc32c-verified, 5 s, one job per CPU"
if fio_verify demo "$(sd_of $DISK_B)" 5; then
	pass demo-fio
else
	fail demo-fio "see below"
fi
grep -E 'IOPS|err=' /tmp/fio.demo | sed 's/^/    /'
echo "== the simulated host's view: channels (one per CPU) and disks"
sed 's/^/    /' "$STOR"
echo "== protocol violations after the disk I/O"
sed 's/^/    /' "$SIM/violations"

echo "== lsmod"
lsmod
finish
