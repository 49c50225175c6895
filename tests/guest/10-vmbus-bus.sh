#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The core loads without a host, the simulated host connects it, and the
# offered devices appear on the bus with the upstream sysfs layout.
. /tests/lib/common.sh
mount_debugfs

check core-loads-without-host modprobe hv_vmbus
check bus-registered test -d "$VMBUS/devices"
check sim-loads modprobe vmbus_sim heartbeat_ms=200
check heartbeat-device-listed wait_for 5 has_class "$HB_CLASS"
check shutdown-device-listed wait_for 5 has_class "$SD_CLASS"

hb=$(devices_of_class "$HB_CLASS" | head -n1)
inst=$(basename "$hb")
check device-named-by-instance test "{$inst}" = "$(cat "$hb/device_id")"
check modalias-format grep -qx 'vmbus:394f16571591784eab55382f3bd5422d' "$hb/modalias"
check uevent-modalias grep -qx 'MODALIAS=vmbus:394f16571591784eab55382f3bd5422d' "$hb/uevent"
relid=$(cat "$hb/id")
check channel-dir-has-cpu test -r "$hb/channels/$relid/cpu"
check vendor-is-microsoft grep -qx 0x1414 "$hb/vendor"
check version-logged sh -c 'dmesg | grep -q "Vmbus version:5.3"'
check no-violations violations_zero

# CPU hotplug with the bus up: CPU 1 carries no channel here (IC channels
# stay on the message CPU), so it goes offline and back, and the SynIC is
# enabled on it again.
if [ -w /sys/devices/system/cpu/cpu1/online ]; then
	check cpu1-offline sh -c 'echo 0 > /sys/devices/system/cpu/cpu1/online'
	check cpu1-online sh -c 'echo 1 > /sys/devices/system/cpu/cpu1/online'
	check bus-survives-hotplug has_class "$HB_CLASS"
fi
