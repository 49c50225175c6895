#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Our hv_storvsc at every VSTOR version the simulated host is capped to:
# 6.2, 6.0, 5.1 (multi-channel), 4.2 and 2.0 (48-byte packets, one
# channel).  Each time: negotiated version, channels, disks, data.
# hvtest-timeout: 240
. /tests/lib/disk.sh
mark versions

check scsi-offered ensure_scsi
storvsc_is_ours || load_storvsc ours
for v in 6.2 6.0 5.1 4.2 2.0; do
	echo "$v" >"$SIM_PARAMS/stor_max_version"
	check "v$v-rebind" rebind_storvsc
	check "v$v-disks" wait_disks
	hex=$(printf '0x%02x%02x' "${v%.*}" "${v#*.}")
	check "v$v-negotiated" test "$(stor_field version)" = "$hex"
	case $v in
	4.2|2.0) check "v$v-one-channel" test "$(stor_nchans)" = 1 ;;
	*) [ "$(nproc)" -gt 1 ] && check "v$v-sub-channels" test "$(stor_nchans)" -gt 1 ;;
	esac
	sd=$(sd_of $DISK_B)
	head -c 1048576 /dev/urandom >/tmp/pat
	check "v$v-write" dd if=/tmp/pat of="/dev/$sd" bs=256k seek=8 oflag=direct
	check "v$v-read-back" sh -c "dd if=/dev/$sd bs=256k skip=8 count=4 iflag=direct 2>/dev/null | cmp -s - /tmp/pat"
	FIO_SECS=3 fio_verify "v$v" "$sd" 3
	check "v$v-fio" grep -qE 'err= *0' "/tmp/fio.v$v"
	# Sense data (18 or 20 bytes by version) reaches the midlayer.
	stor_ctl medium 0:1 4096 8
	check "v$v-medium-error" sh -c "! dd if=/dev/$sd of=/dev/null bs=4k skip=512 count=1 iflag=direct"
	stor_ctl medium 0:1 0 0
	check "v$v-sense-decoded" sh -c "dmesg | tail -n 20 | grep -qi 'Unrecovered read error'"
done
echo 6.2 >"$SIM_PARAMS/stor_max_version"
check restore-6.2 rebind_storvsc
check restore-disks wait_disks
check no-violations violations_zero
check log-clean log_clean_since versions
