#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Our hv_storvsc on the simulated StorVSP (VSTOR 6.2, sub-channels): the
# disks, a file system, verified random I/O over every channel, discard,
# flush, FUA and WRITE SAME, LUN hot add/remove, unbind under I/O, reload.
# hvtest-timeout: 300
. /tests/lib/disk.sh
mark storvsc
# The 1- and 4-vCPU runs of make check (hvtest.quick) run fio shorter.
grep -q hvtest.quick /proc/cmdline && FIO_SECS=5

check scsi-offered ensure_scsi
check ours-loaded wait_for 20 storvsc_is_ours
check ours-bound wait_for 20 bound_to "$SCSI_CLASS" hv_storvsc
check disks-appear wait_disks
check version-6.2 test "$(stor_field version)" = 0x0602
check state-ready test "$(stor_field state)" = ready
cpus=$(nproc)
want=$cpus
[ "$want" -gt 5 ] && want=5
check "channels-$want-for-$cpus-cpus" test "$(stor_nchans)" = "$want"
dmesg | grep -i 'hv_storvsc' | grep -iv 'taint' | sed 's/^/INFO: /' | tail -n 4

check_disk_sizes ours
check_filesystem ours
check_fio ours
check_discard ours
check_hotplug ours
check_reload ours
check no-violations violations_zero
check log-clean log_clean_since storvsc
