#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Host faults against our hv_storvsc: a medium error is a clean EIO; BUSY is
# retried; a dropped completion and malformed completions end, through
# error handling and a host reset, in a retry: every write lands, nothing
# hangs.  The host counts no violation.
# hvtest-timeout: 300
. /tests/lib/disk.sh
mark faults

check scsi-offered ensure_scsi
storvsc_is_ours || load_storvsc ours
check disks wait_disks
sd=$(sd_of $DISK_B)
echo 3 >"/sys/block/$sd/device/timeout"

# Medium error on LBAs 2048..2055 (1 MiB in).
check medium-arm stor_ctl medium 0:1 2048 8
check medium-read-fails sh -c "! dd if=/dev/$sd of=/dev/null bs=4k skip=256 count=1 iflag=direct"
check medium-sense-logged wait_for 5 sh -c "dmesg | grep -qi 'medium error'"
check medium-neighbour-ok dd if="/dev/$sd" of=/dev/null bs=4k skip=512 count=1 iflag=direct
check medium-clear stor_ctl medium 0:1 0 0
check medium-cleared dd if="/dev/$sd" of=/dev/null bs=4k skip=256 count=1 iflag=direct

# write_read NAME MIB_OFFSET: 1 MiB of random data, written, read back;
# fails after 150 s (a hang is a failure, not a stuck test).
cat >/tmp/write_read.sh <<EOS
#!/bin/sh
head -c 1048576 /dev/urandom >/tmp/pat.\$1
dd if=/tmp/pat.\$1 of=/dev/$sd bs=1M seek=\$2 oflag=direct 2>/dev/null &&
	dd if=/dev/$sd bs=1M skip=\$2 count=1 iflag=direct 2>/dev/null |
	cmp -s - /tmp/pat.\$1
EOS
chmod +x /tmp/write_read.sh
write_read() { timeout 150 /tmp/write_read.sh "$@"; }

b=$(stor_sum busy)
check busy-arm stor_ctl busy 5
check busy-retried write_read busy 2
check busy-fired test "$(stor_sum busy)" = $((b + 5))

# fault KIND COUNTER N: arm N faults; a write still lands and reads back.
n=0
fault() {
	c=$(stor_sum "$2")
	n=$((n + 1))
	check "$1-$n-arm" stor_ctl "$1" "$3"
	t0=$(date +%s)
	check "$1-$n-write-lands" write_read "$1" 4
	echo "INFO: $1 $n: recovered in $(($(date +%s) - t0)) s"
	check "$1-$n-fired" test "$(stor_sum "$2")" -ge $((c + $3))
	check "$1-$n-still-works" write_read "$1-after" 6
}
fault drop dropped 1
# One malformed completion at a time (the host rotates short, unknown ID,
# wrong operation): with more armed, the error handler's own TEST UNIT
# READY after the reset gets one too, and the device goes offline.
fault malformed malformed 1
fault malformed malformed 1
fault malformed malformed 1
since faults | grep -iE 'hv_storvsc|reset|abort' | tail -n 8 | sed 's/^/INFO: /'

check fio-after-faults fio_verify faults "$sd" 3
echo 180 >"/sys/block/$sd/device/timeout"
check no-violations violations_zero
check log-clean log_clean_since faults
