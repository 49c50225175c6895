#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Interop: Debian's own hv_storvsc.ko (unmodified, symbol versions dropped)
# binds through our core to the simulated StorVSP and passes the same disk
# tests as ours, at each version it speaks (6.2, 6.0, 5.1); it refuses a
# 4.2-only host cleanly.  Ours is loaded again at the end.
# hvtest-timeout: 360
. /tests/lib/disk.sh
mark debian

check scsi-offered ensure_scsi
check debian-loaded load_storvsc debian
check debian-is-debians storvsc_is_debian
check debian-version-6.2 test "$(stor_field version)" = 0x0602
check_disk_sizes debian
check_filesystem debian
check_fio debian
check_discard debian
check_hotplug debian
check_reload debian
for v in 6.0 5.1; do
	echo "$v" >"$SIM_PARAMS/stor_max_version"
	check "debian-v$v-rebind" rebind_storvsc
	check "debian-v$v-disks" wait_disks
	check "debian-v$v-negotiated" test "$(stor_field version)" = "$(printf '0x%02x%02x' "${v%.*}" "${v#*.}")"
	check "debian-v$v-data" dd if="/dev/$(sd_of $DISK_B)" of=/dev/null bs=1M count=8 iflag=direct
done
echo 4.2 >"$SIM_PARAMS/stor_max_version"
d=$(basename "$(devices_of_class "$SCSI_CLASS" | head -n 1)")
echo "$d" >/sys/bus/vmbus/drivers/hv_storvsc/unbind
echo "$d" >/sys/bus/vmbus/drivers/hv_storvsc/bind 2>/dev/null
check debian-refuses-4.2 test "$(sd_count)" = 0
check debian-refusal-logged wait_for 5 sh -c "dmesg | tail -n 30 | grep -qiE 'obsolete|probe.*failed|protocol'"
echo 6.2 >"$SIM_PARAMS/stor_max_version"
check debian-no-violations violations_zero
check back-to-ours load_storvsc ours
check ours-is-ours storvsc_is_ours
check log-clean log_clean_since debian
