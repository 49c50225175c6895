#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Storage benchmark (make bench), in one boot against one simulated host:
# fio on our hv_storvsc, on Debian's hv_storvsc, and on brd (a RAM disk in
# the guest: the same work without any transport).  Prints one line
#   BENCH: <target> <test> <value> <unit>
# per measurement; scripts/bench.sh turns them into a table.
# hvtest-timeout: 900
. /tests/lib/disk.sh

SECS=$(sed -n 's/.*hvtest\.bench_secs=\([0-9]*\).*/\1/p' /proc/cmdline)
SECS=${SECS:-10}
REPS=3

# run_fio TARGET DEV: the four measurements, each the median of REPS runs.
run_fio() {
	for t in randread-qd1 randread-qd32 seqread-1m seqwrite-1m; do
		case $t in
		randread-qd1) a="--rw=randread --bs=4k --iodepth=1" k=iops ;;
		randread-qd32) a="--rw=randread --bs=4k --iodepth=32" k=iops ;;
		seqread-1m) a="--rw=read --bs=1M --iodepth=8" k=bw ;;
		seqwrite-1m) a="--rw=write --bs=1M --iodepth=8" k=bw ;;
		esac
		vals=
		for r in $(seq 1 "$REPS"); do
			# shellcheck disable=SC2086 # $a is a list of options
			fio --name=b --filename="$2" --direct=1 --ioengine=libaio \
				--size=192M --runtime="$SECS" --time_based $a \
				--output-format=terse --terse-version=3 >/tmp/b.out 2>&1 ||
				{ fail "$1-$t" "fio: $(tail -n 2 /tmp/b.out)"; continue; }
			# terse v3: read iops field 8, read bw KiB/s 7; write 49, 48.
			case $t in
			seqwrite-1m) v=$(cut -d';' -f48 /tmp/b.out) ;;
			*) if [ $k = iops ]; then v=$(cut -d';' -f8 /tmp/b.out)
			   else v=$(cut -d';' -f7 /tmp/b.out); fi ;;
			esac
			vals="$vals $v"
		done
		med=$(echo $vals | tr ' ' '\n' | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
		if [ $k = iops ]; then
			echo "BENCH: $1 $t $med IOPS ($vals )"
		else
			echo "BENCH: $1 $t $((med / 1024)) MB/s ($vals KiB/s)"
		fi
		check "$1-$t-measured" test -n "$med"
	done
}

# prefill DEV: write it once, so reads hit allocated pages on every target.
prefill() { dd if=/dev/urandom of="$1" bs=1M count=192 oflag=direct 2>/dev/null; }

check scsi-offered ensure_scsi
check ours load_storvsc ours
sd=/dev/$(sd_of $DISK_A)
prefill "$sd"
run_fio ours "$sd"

check debian load_storvsc debian
prefill "$sd"
run_fio debian "$sd"
rmmod hv_storvsc

check brd modprobe brd rd_nr=1 rd_size=262144
prefill /dev/ram0
run_fio brd /dev/ram0
check no-violations violations_zero
