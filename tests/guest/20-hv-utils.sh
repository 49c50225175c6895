#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Debian's own hv_utils.ko, loaded by its MODALIAS through our core, binds
# to the heartbeat and shutdown devices, negotiates, and heartbeats flow.
. /tests/lib/common.sh
mount_debugfs

check hv_utils-is-debians sh -c 'modinfo -n hv_utils | grep -q /debian/'
check hv_utils-autoloaded wait_for 10 grep -q '^hv_utils ' /proc/modules
check heartbeat-bound wait_for 10 bound_to "$HB_CLASS" hv_utils
check shutdown-bound wait_for 10 bound_to "$SD_CLASS" hv_utils
check heartbeat-version-logged wait_for 5 sh -c 'dmesg | grep -q "Heartbeat IC version"'
check shutdown-version-logged wait_for 5 sh -c 'dmesg | grep -q "Shutdown IC version"'
dmesg | grep -E 'IC version' | sed 's/^/INFO: /'

a1=$(hb_acked)
sleep 2
a2=$(hb_acked)
check heartbeats-flow test "${a2:-0}" -gt "${a1:-0}"
echo "INFO: heartbeats acked ${a1:-?} -> ${a2:-?}"
check no-violations violations_zero
