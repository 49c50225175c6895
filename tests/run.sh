#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/run.sh [--keep] [--no-build] [-v] [test-filter]
#
# Integration tests: build the modules, build a test initramfs
# (tests/mkinitramfs.sh), boot Debian's kernel with it under QEMU (TCG,
# 2 vCPUs, never KVM) and turn what the guest reports into lines
#   PASS: integration/<what>       FAIL: integration/<what>: <why>
# (tests/results.py).  Exit status 0 iff nothing failed.
#
#   --keep        keep the initramfs staging tree (build/initramfs-root)
#   --no-build    do not run make; use the *.ko files already built
#   -v            show the console and the test output live
#   test-filter   only tests whose file name matches this extended regex
#
# Logs: build/logs/qemu-console.log (ttyS0: kernel), qemu-results.log
# (ttyS1: the harness and the tests), qemu-dmesg.log (the guest's final
# dmesg), integration-build.log.
# Environment: HV_QEMU_TIMEOUT (s, default 600), HV_TEST_TIMEOUT (default
# per-test timeout in the guest, s, default 120), HV_MAKE_ARGS (extra make
# arguments, e.g. W=1), HV_KERNEL_ARGS (extra kernel parameters),
# HV_QEMU_ARGS (extra QEMU arguments), HV_TESTS_DIR (guest tests, default
# tests/guest), HV_SMP (vCPUs, default 2), HV_RESULT_PREFIX (default
# "integration"), KVER.
set -euo pipefail

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../scripts/lib.sh"

keep=0
build=1
verbose=0
filter=
while [ $# -gt 0 ]; do
	case $1 in
	--keep) keep=1 ;;
	--no-build) build=0 ;;
	-v|--verbose) verbose=1 ;;
	-h|--help) sed -n '3,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	-*) hv_die "unknown option $1 (see $0 --help)" ;;
	*) filter=$1 ;;
	esac
	shift
done

qemu_timeout=${HV_QEMU_TIMEOUT:-600}
kver=$(hv_kver)
mkdir -p "$HV_LOGS"
command -v "$HV_QEMU" >/dev/null ||
	hv_die "$HV_QEMU not found (apt-get install qemu-system-x86, or scripts/deps.sh)"

# 1. Modules.  A failed build is reported by "make check" as FAIL: build;
#    here we still boot, without our modules, so that the guest tests report
#    what they can (each one that needs hv_vmbus fails).
mkinit_args=()
if [ "$build" = 1 ]; then
	read -r -a make_args <<<"${HV_MAKE_ARGS:-}"
	hv_note "integration: make (log: build/logs/integration-build.log)"
	if ! flock "$HV_REPO/.make.lock" make -C "$HV_REPO" KDIR="/lib/modules/$kver/build" "${make_args[@]}" \
		>"$HV_LOGS/integration-build.log" 2>&1; then
		tail -n 15 "$HV_LOGS/integration-build.log" >&2
		hv_note "integration: module build FAILED: booting without our modules"
		mkinit_args+=(--no-repo-modules)
	fi
fi

# 2. The initramfs.
initrd=$HV_BUILD/initramfs-$kver.cpio.gz
[ "$keep" = 1 ] && mkinit_args+=(--root "$HV_BUILD/initramfs-root")
[ -n "$filter" ] && mkinit_args+=(--filter "$filter")
[ -n "${HV_TESTS_DIR:-}" ] && mkinit_args+=(--tests "$HV_TESTS_DIR")
"$HV_REPO/tests/mkinitramfs.sh" "${mkinit_args[@]}" "$initrd" "$kver"

# 3. Boot.
console=$HV_LOGS/qemu-console.log
results=$HV_LOGS/qemu-results.log
rm -f "$console" "$results"
: >"$console"
: >"$results"
cmdline="console=ttyS0 loglevel=5 panic=-1 oops=panic printk.devkmsg=on"
cmdline+=" log_buf_len=4M hvtest.out=/dev/ttyS1"
cmdline+=" hvtest.timeout=${HV_TEST_TIMEOUT:-120} ${HV_KERNEL_ARGS:-}"
mapfile -t qemu_args < <(hv_qemu_base_args)
read -r -a extra_qemu <<<"${HV_QEMU_ARGS:-}"
qemu_cmd=("$HV_QEMU" "${qemu_args[@]}"
	-kernel "/boot/vmlinuz-$kver" -initrd "$initrd" -append "$cmdline"
	-serial "file:$console" -serial "file:$results" "${extra_qemu[@]}")
printf '%q ' "${qemu_cmd[@]}" >"$HV_LOGS/qemu-cmdline.txt"
echo >>"$HV_LOGS/qemu-cmdline.txt"

tail_pids=()
if [ "$verbose" = 1 ]; then
	tail -n +1 -f "$console" | sed -u 's/^/console| /' &
	tail_pids+=($!)
	tail -n +1 -f "$results" | sed -u 's/^/  guest| /' &
	tail_pids+=($!)
fi
hv_note "integration: booting $kver under QEMU/TCG (timeout ${qemu_timeout}s)"
t0=$(hv_now)
qemu_rc=0
timeout -k 10 "$qemu_timeout" "${qemu_cmd[@]}" </dev/null \
	>"$HV_LOGS/qemu-stdout.log" 2>&1 || qemu_rc=$?
hv_note "integration: QEMU ran $(hv_elapsed "$t0") (exit $qemu_rc)"
if [ "${#tail_pids[@]}" -gt 0 ]; then
	sleep 0.5
	kill "${tail_pids[@]}" 2>/dev/null || true
	wait "${tail_pids[@]}" 2>/dev/null || true
fi
if [ -s "$HV_LOGS/qemu-stdout.log" ]; then
	sed 's/^/qemu: /' "$HV_LOGS/qemu-stdout.log" >&2
fi

# 4. Results.
rc=0
python3 "$HV_REPO/tests/results.py" --results "$results" --console "$console" \
	--qemu-rc "$qemu_rc" --timeout "$qemu_timeout" \
	--dmesg-out "$HV_LOGS/qemu-dmesg.log" \
	--prefix "${HV_RESULT_PREFIX:-integration}" || rc=$?
if [ "$rc" != 0 ]; then
	{
		echo "--- last lines of the console (build/logs/qemu-console.log):"
		tail -n 25 "$console" | sed 's/^/console| /'
		echo "--- last lines of the test output (build/logs/qemu-results.log):"
		sed '/^HARNESS: dmesg-begin/,/^HARNESS: dmesg-end/d' "$results" |
			tail -n 25 | sed 's/^/  guest| /'
	} >&2
fi
exit "$rc"
