#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/bench.sh  (= make bench; not part of make check)
#
# Boots the QEMU/TCG test VM once with the benchmark guest scripts of
# bench/guest/ and prints a table of what they measured against the
# simulated host, with the ratios ours/upstream and ours/brd:
#   storage: fio 4 KiB random read IOPS at QD1 and QD32, 1 MiB sequential
#   read and write MB/s, on our hv_storvsc, Debian's hv_storvsc and brd.
# Each figure is the median of 3 runs of BENCH_SECS (default 10) seconds.
# Output also in build/logs/bench.txt.  TCG makes absolute numbers
# meaningless for real hardware; compare within one run only.
set -euo pipefail

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

bash "$HV_REPO/scripts/deps.sh" bench
mkdir -p "$HV_LOGS"
kargs="hvtest.timeout=900"
[ -n "${BENCH_SECS:-}" ] && kargs+=" hvtest.bench_secs=$BENCH_SECS"
rc=0
HV_TESTS_DIR=$HV_REPO/bench/guest HV_RESULT_PREFIX=bench \
	HV_KERNEL_ARGS="$kargs ${HV_KERNEL_ARGS:-}" HV_QEMU_TIMEOUT=1200 \
	bash "$HV_REPO/tests/run.sh" || rc=$?

out=$HV_LOGS/bench.txt
{
	echo "make bench, $(date -u +%Y-%m-%d), $(nproc) host CPUs ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)), guest: QEMU TCG, $(hv_qemu_base_args | tr '\n' ' ' | sed 's/.*-smp \([0-9]*\).*/\1/') vCPUs"
	sed -n 's/^BENCH: //p' "$HV_LOGS/qemu-results.log" | awk '
		{ v[$1, $2] = $3; u[$2] = $4; if (!($2 in seen)) { seen[$2] = 1; order[++n] = $2 } }
		END {
			printf "%-15s %12s %12s %12s %10s %10s\n", "test", "ours", "upstream", "brd", "ours/up", "ours/brd"
			for (i = 1; i <= n; i++) {
				t = order[i]
				o = v["ours", t]; d = v["debian", t]; b = v["brd", t]
				printf "%-15s %12s %12s %12s %10s %10s\n", t " (" u[t] ")", o, d, b,
					(d > 0 ? sprintf("%.2f", o / d) : "-"), (b > 0 ? sprintf("%.2f", o / b) : "-")
			}
		}'
} | tee "$out"
exit "$rc"
