#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Synthetic SCSI helpers for guest tests: the simulated StorVSP, the two
# hv_storvsc drivers (ours in updates/, Debian's in debian/) and the disk
# checks every driver must pass.  Sourced only, after common.sh.
. /tests/lib/common.sh

STOR=$SIM/storvsp
STOR_CTL=$SIM/storvsp_ctl
SCSI_CLASS="{ba6163d9-04a1-4d29-b605-72e2ffb1dc7f}"
KVER=$(cat /etc/hvtest-kver)
OURS_STORVSC=$(find "/lib/modules/$KVER/updates" -name hv_storvsc.ko | head -n 1)
DEBIAN_STORVSC=$(find "/lib/modules/$KVER/debian" -name hv_storvsc.ko | head -n 1)
SIM_PARAMS=/sys/module/vmbus_sim/parameters
# The default disks of the simulated host (stor_disks): T:L=size in MiB.
DISK_A="0 0"	# 256 MiB: file system
DISK_B="0 1"	# 64 MiB: raw I/O, fio
DISK_C="1 0"	# 32 MiB: discard
MNT=/mnt/disk
# util-linux's: busybox's sh runs its own applet for a bare "blkdiscard".
BLKDISCARD=/usr/bin/blkdiscard

stor_ctl() { echo "$*" >"$STOR_CTL"; }

# Process $1 has exited (a zombie not yet reaped counts as exited).
exited() { ! grep -qE '^State:[[:space:]]*[RSDTt]' "/proc/$1/status" 2>/dev/null; }

# The loaded hv_storvsc is ours (built out of tree: taint flag O) or
# Debian's (in-tree, loaded without symbol versions: no O).
storvsc_loaded() { grep -q '^hv_storvsc ' /proc/modules; }
storvsc_is_ours() { grep '^hv_storvsc ' /proc/modules | grep -q '(.*O.*)'; }
storvsc_is_debian() { storvsc_loaded && ! storvsc_is_ours; }

# sd_of T L: the block device (sdX) of the disk at target T, LUN L.
sd_of() {
	for _b in /sys/bus/scsi/devices/*:0:"$1":"$2"/block/*; do
		[ -e "$_b" ] && { basename "$_b"; return 0; }
	done
	return 1
}
no_sd_of() { ! sd_of "$1" "$2"; }
disk_bytes() { echo $(($(cat "/sys/block/$1/size") * 512)); }
# The number of disks our SCSI hosts show.
sd_count() { ls -d /sys/bus/scsi/devices/*:0:*:*/block/* 2>/dev/null | wc -l; }

# Lines of the simulated host's view of controller 0.
stor_chans() { grep '^scsi0 chan ' "$STOR"; }
stor_nchans() { stor_chans | wc -l; }
# stor_field KEY: KEY's value on the first channel line (device-wide keys).
stor_field() {
	stor_chans | head -n 1 | tr ' ' '\n' | sed -n "s/^$1=//p"
}
# stor_vals KEY: KEY of every channel, one per line, in channel order.
stor_vals() {
	stor_chans | while read -r _l; do
		echo "$_l" | tr ' ' '\n' | sed -n "s/^$1=//p"
	done
}
stor_sum() { stor_vals "$1" | awk '{ s += $1 } END { print s + 0 }'; }
# disk_pages T:L: 4 KiB pages the host has allocated for that disk.
disk_pages() {
	grep "^scsi0 disk $1 " "$STOR" | tr ' ' '\n' | sed -n 's/^pages=//p'
}

# Controller 0 offered (hot-added once) and bound to an hv_storvsc.
ensure_scsi() {
	ensure_stack || return 1
	has_class "$SCSI_CLASS" || echo scsi >"$SIM/offer" || return 1
	wait_for 10 has_class "$SCSI_CLASS"
}

# load_storvsc ours|debian: unload any hv_storvsc, load the one asked for,
# wait for its three default disks.
load_storvsc() {
	if storvsc_loaded; then
		rmmod hv_storvsc || return 1
	fi
	if [ "$1" = debian ]; then
		modprobe scsi_transport_fc || return 1
		insmod "$DEBIAN_STORVSC" || return 1
	else
		modprobe hv_storvsc || return 1
	fi
	wait_for 20 bound_to "$SCSI_CLASS" hv_storvsc || return 1
	wait_disks
}

wait_disks() {
	wait_for 20 sd_of $DISK_A && wait_for 20 sd_of $DISK_B &&
		wait_for 20 sd_of $DISK_C
}

# Re-initialise the driver against the host: unbind and bind the device.
rebind_storvsc() {
	for _d in $(devices_of_class "$SCSI_CLASS"); do
		_n=$(basename "$_d")
		echo "$_n" >/sys/bus/vmbus/drivers/hv_storvsc/unbind || return 1
		echo "$_n" >/sys/bus/vmbus/drivers/hv_storvsc/bind || return 1
	done
}

# --- checks shared by every driver -----------------------------------------
# Each takes a name prefix P, so the same check under ours and Debian's
# driver gives distinct result lines.

# The default disks exist with the sizes the host gives them.
check_disk_sizes() {
	check "$1-disk-a-256m" test "$(disk_bytes "$(sd_of $DISK_A)")" = $((256 << 20))
	check "$1-disk-b-64m" test "$(disk_bytes "$(sd_of $DISK_B)")" = $((64 << 20))
	check "$1-disk-c-32m" test "$(disk_bytes "$(sd_of $DISK_C)")" = $((32 << 20))
}

# mkfs.ext4, files of known checksums, remount, verify, fsck.
check_filesystem() {
	_dev=/dev/$(sd_of $DISK_A)
	modprobe ext4
	mkdir -p "$MNT"
	check "$1-mkfs" mkfs.ext4 -q -F "$_dev"
	check "$1-mount" mount -t ext4 "$_dev" "$MNT"
	for _k in 1 7 64 300 1024 3000 8192; do
		dd if=/dev/urandom of="$MNT/f$_k" bs=1024 count="$_k" 2>/dev/null
	done
	mkdir -p "$MNT/dir"
	for _i in $(seq 1 40); do
		echo "file $_i $(head -c 64 /dev/urandom | sha256sum)" >"$MNT/dir/s$_i"
	done
	(cd "$MNT" && find . -type f | sort | xargs sha256sum) >/tmp/sums.$1
	check "$1-sync" sync
	check "$1-umount" umount "$MNT"
	check "$1-remount" mount -t ext4 -o ro "$_dev" "$MNT"
	check "$1-verify" sh -c "cd $MNT && sha256sum -c -s /tmp/sums.$1"
	check "$1-files" test "$(wc -l </tmp/sums.$1)" = 47
	check "$1-umount2" umount "$MNT"
	check "$1-fsck" e2fsck -f -n "$_dev"
}

# The files of check_filesystem are still there (after a reload).
check_filesystem_kept() {
	_dev=/dev/$(sd_of $DISK_A)
	check "$1-mount-kept" mount -t ext4 -o ro "$_dev" "$MNT"
	check "$1-verify-kept" sh -c "cd $MNT && sha256sum -c -s /tmp/sums.$2"
	check "$1-umount-kept" umount "$MNT"
}

# fio_verify P DEV SECONDS [extra fio args]: random 4 KiB read/write at
# queue depth 32, one job per CPU (each on its own CPU, so every blk-mq
# queue and channel carries I/O) on its own part of DEV, crc32c-verified.
fio_verify() {
	_p=$1 _dev=$2 _secs=$3
	shift 3
	_jobs=$(nproc)
	[ "$_jobs" -gt 4 ] && _jobs=4
	_part=$(($(disk_bytes "$_dev") / _jobs / 4096 * 4096))
	fio --name="$_p" --filename="/dev/$_dev" --direct=1 --ioengine=libaio \
		--rw=randrw --bs=4k --iodepth=32 --numjobs="$_jobs" \
		--size="$_part" --offset_increment="$_part" \
		--cpus_allowed="0-$(($(nproc) - 1))" --cpus_allowed_policy=split \
		--verify=crc32c --verify_backlog=512 --verify_fatal=1 \
		--runtime="$_secs" --time_based --group_reporting "$@" \
		>"/tmp/fio.$_p" 2>&1
}

fio_iops() {
	sed -n 's/.*\(read\|write\): IOPS=\([^,]*\),.*/\1=\2/p' "/tmp/fio.$1" | tr '\n' ' '
}

# Random I/O across all channels: fio verifies, each channel carried SRBs.
check_fio() {
	_sd=$(sd_of $DISK_B)
	_before=$(stor_vals srbs | tr '\n' ' ')
	check "$1-fio-verify" fio_verify "$1" "$_sd" "${FIO_SECS:-20}"
	grep -qE 'err= *0' "/tmp/fio.$1" || fail "$1-fio-errors" "$(grep err= /tmp/fio.$1)"
	echo "INFO: $1 fio $(fio_iops "$1")"
	_after=$(stor_vals srbs | tr '\n' ' ')
	echo "INFO: $1 SRBs per channel before: $_before after: $_after"
	if [ "$1" = debian ] && [ "$(stor_nchans)" -gt 1 ]; then
		# Upstream sends I/O on the primary channel only while it has
		# no sub-channel.
		check "$1-all-subchannels-used" all_grew "${_before#* }" "${_after#* }"
	else
		check "$1-all-channels-used" all_grew "$_before" "$_after"
	fi
}

# all_grew "a1 a2 .." "b1 b2 ..": same count, every b > a.
all_grew() {
	set -- "$1" "$2"
	_a=$1 _b=$2
	[ "$(echo $_a | wc -w)" = "$(echo $_b | wc -w)" ] || return 1
	_i=1
	for _x in $_a; do
		_y=$(echo $_b | cut -d' ' -f$_i)
		[ "$_y" -gt "$_x" ] || return 1
		_i=$((_i + 1))
	done
}

# Discard frees the host's pages; flush and FUA reach the host; WRITE SAME
# (write zeroes) where the queue offers it.
check_discard() {
	_sd=$(sd_of $DISK_C)
	check "$1-discard-offered" test "$(cat /sys/block/$_sd/queue/discard_max_bytes)" -gt 0
	dd if=/dev/urandom of="/dev/$_sd" bs=1M count=4 oflag=direct 2>/dev/null
	check "$1-pages-written" test "$(disk_pages 1:0)" -ge 1024
	_u=$(stor_sum unmaps)
	check "$1-blkdiscard" $BLKDISCARD "/dev/$_sd"
	check "$1-pages-freed" test "$(disk_pages 1:0)" = 0
	check "$1-unmap-sent" test "$(stor_sum unmaps)" -gt "$_u"
	check "$1-reads-zero" sh -c "dd if=/dev/$_sd bs=1M count=4 iflag=direct 2>/dev/null | cmp -s - /tmp/zero4m"
	check "$1-write-back-cache" grep -q 'write back' "/sys/block/$_sd/queue/write_cache"
	check "$1-fua" test "$(cat /sys/block/$_sd/queue/fua)" = 1
	_f=$(stor_sum flushes)
	dd if=/dev/urandom of="/dev/$_sd" bs=64k count=1 conv=fsync 2>/dev/null
	check "$1-flush-sent" test "$(stor_sum flushes)" -gt "$_f"
	if [ "$(cat /sys/block/$_sd/queue/write_zeroes_max_bytes)" -gt 0 ]; then
		_w=$(stor_sum write_same)
		check "$1-write-zeroes" $BLKDISCARD -z -o 0 -l 1048576 "/dev/$_sd"
		check "$1-write-same-sent" test "$(stor_sum write_same)" -gt "$_w"
	else
		echo "INFO: $1: no write zeroes (WRITE SAME) offered"
	fi
}
head -c 4194304 /dev/zero >/tmp/zero4m 2>/dev/null

# Hot add and remove of a LUN, idle and while fio runs on it.
check_hotplug() {
	check "$1-hot-add" stor_ctl add 0:2 16M
	check "$1-added-disk" wait_for 20 sd_of 0 2
	check "$1-added-size" test "$(disk_bytes "$(sd_of 0 2)")" = $((16 << 20))
	check "$1-hot-remove" stor_ctl remove 0:2
	check "$1-removed-disk" wait_for 20 no_sd_of 0 2
	check "$1-hot-add-busy" stor_ctl add 0:3 32M
	check "$1-added-busy" wait_for 20 sd_of 0 3
	_sd=$(sd_of 0 3)
	fio --name=hp --filename="/dev/$_sd" --direct=1 --ioengine=libaio \
		--rw=randrw --bs=4k --iodepth=32 --runtime=30 --time_based \
		>/tmp/fio.hp.$1 2>&1 &
	_pid=$!
	sleep 3
	check "$1-remove-under-io" stor_ctl remove 0:3
	check "$1-removed-under-io" wait_for 30 no_sd_of 0 3
	# fio ends with I/O errors, not a hang.
	check "$1-fio-ended" wait_for 40 exited "$_pid"
	wait "$_pid" 2>/dev/null
	check "$1-other-disk-ok" dd if="/dev/$(sd_of $DISK_B)" of=/dev/null bs=1M count=4 iflag=direct
}

# Unbind the driver while fio runs (the host and the device stay), bind it
# again; module unload and reload when idle.  Data written before is still
# there.
check_reload() {
	_sd=$(sd_of $DISK_B)
	fio --name=rl --filename="/dev/$_sd" --direct=1 --ioengine=libaio \
		--rw=randrw --bs=4k --iodepth=32 --runtime=30 --time_based \
		--offset=48M --size=16M >/tmp/fio.rl.$1 2>&1 &
	_pid=$!
	sleep 3
	_d=$(basename "$(devices_of_class "$SCSI_CLASS" | head -n 1)")
	check "$1-unbind-under-io" sh -c "echo $_d >/sys/bus/vmbus/drivers/hv_storvsc/unbind"
	check "$1-disks-gone" test "$(sd_count)" = 0
	check "$1-fio-ended-on-unbind" wait_for 40 exited "$_pid"
	wait "$_pid" 2>/dev/null
	check "$1-bind" sh -c "echo $_d >/sys/bus/vmbus/drivers/hv_storvsc/bind"
	check "$1-disks-back" wait_disks
	# The SCSI scan of the rebind may hold the module for a moment.
	check "$1-rmmod" wait_for 10 rmmod hv_storvsc
	check "$1-bus-still-there" has_class "$SCSI_CLASS"
	if [ "$1" = debian ]; then
		check "$1-insmod" insmod "$DEBIAN_STORVSC"
	else
		check "$1-modprobe" modprobe hv_storvsc
	fi
	check "$1-disks-back2" wait_disks
	check_filesystem_kept "$1" "$1"
}
