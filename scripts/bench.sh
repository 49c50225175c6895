#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/bench.sh  (= make bench; not part of make check)
#
# Boots the QEMU/TCG test VM once with the benchmark guest scripts of
# bench/guest/ and prints tables of what they measured against the
# simulated host:
#   storage (10-storvsc): fio 4 KiB random read IOPS at QD1 and QD32, 1 MiB
#     sequential read and write MB/s, on our hv_storvsc, Debian's hv_storvsc
#     and brd, with the ratios ours/upstream and ours/brd; each figure the
#     median of 3 runs of BENCH_SECS (default 10) seconds.
#   network (20-net): iperf3 TCP with 1 and 4 streams (Gbit/s), UDP 64-byte
#     datagrams received per second, sockperf UDP ping-pong round trip
#     (average and p99, us), between two namespaces, over our hv_netvsc and
#     Debian's (two synthetic NICs through the simulated switch) and a veth
#     pair, with the ratios ours/Debian's and ours/veth ("n/a" for a driver
#     that cannot run yet); each figure the median of 3 runs of
#     BENCH_NET_SECS (default 5) seconds.
# Output: build/logs/bench.txt (the tables), build/bench/storage.csv and
# build/bench/net.csv.  BENCH_FILTER=REGEX runs only the bench/guest/
# scripts whose names match (e.g. BENCH_FILTER=net).  TCG makes absolute
# numbers meaningless for real hardware; compare within one run only.
set -euo pipefail

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

bash "$HV_REPO/scripts/deps.sh" bench
mkdir -p "$HV_LOGS"
kargs="hvtest.timeout=900"
[ -n "${BENCH_SECS:-}" ] && kargs+=" hvtest.bench_secs=$BENCH_SECS"
[ -n "${BENCH_NET_SECS:-}" ] && kargs+=" hvtest.bench_net_secs=$BENCH_NET_SECS"
filter=()
[ -n "${BENCH_FILTER:-}" ] && filter=("$BENCH_FILTER")
rc=0
HV_TESTS_DIR=$HV_REPO/bench/guest HV_RESULT_PREFIX=bench \
	HV_KERNEL_ARGS="$kargs ${HV_KERNEL_ARGS:-}" HV_QEMU_TIMEOUT=${BENCH_QEMU_TIMEOUT:-2400} \
	bash "$HV_REPO/tests/run.sh" "${filter[@]}" || rc=$?

out=$HV_LOGS/bench.txt
csv_dir=$HV_BUILD/bench
mkdir -p "$csv_dir"
results=$HV_LOGS/qemu-results.log

# table PREFIX T1 T2 T3 CSV: the "PREFIX: <target> <test> <value> <unit>"
# lines of the three targets as a table (ratios ours/T2, ours/T3; "n/a"
# where a figure is missing) on stdout and as CSV in the file CSV.
table() {
	sed -n "s/^$1: //p" "$results" | awk -v t1="$2" -v t2="$3" -v t3="$4" -v csv="$5" '
		function ratio(a, b) {
			if (a == "n/a" || b == "n/a" || a == "" || b == "" || b + 0 <= 0)
				return "n/a"
			return sprintf("%.2f", a / b)
		}
		function val(x) { return x == "" ? "n/a" : x }
		{ v[$1, $2] = $3; u[$2] = $4; if (!($2 in seen)) { seen[$2] = 1; order[++n] = $2 } }
		END {
			if (!n) exit
			printf "%-18s %12s %12s %12s %13s %13s\n", "test", t1, t2, t3, t1 "/" t2, t1 "/" t3
			print "test,unit," t1 "," t2 "," t3 "," t1 "/" t2 "," t1 "/" t3 > csv
			for (i = 1; i <= n; i++) {
				t = order[i]
				a = val(v[t1, t]); b = val(v[t2, t]); c = val(v[t3, t])
				printf "%-18s %12s %12s %12s %13s %13s\n", t " (" u[t] ")", a, b, c,
					ratio(a, b), ratio(a, c)
				print t "," u[t] "," a "," b "," c "," ratio(a, b) "," ratio(a, c) > csv
			}
		}'
}

{
	echo "make bench, $(date -u +%Y-%m-%d), $(nproc) host CPUs ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)), guest: QEMU TCG, $(hv_qemu_base_args | tr '\n' ' ' | sed 's/.*-smp \([0-9]*\).*/\1/') vCPUs"
	if grep -q '^BENCH: ' "$results"; then
		echo "storage (fio; median of 3 runs of ${BENCH_SECS:-10} s; upstream = Debian's hv_storvsc):"
		table BENCH ours debian brd "$csv_dir/storage.csv" | sed 's,debian,upstream,g'
	fi
	if grep -q '^BENCHNET: ' "$results"; then
		echo "network (median of 3 runs of ${BENCH_NET_SECS:-5} s; MTU 1500; rr = sockperf UDP round trip):"
		table BENCHNET ours debian veth "$csv_dir/net.csv"
	fi
} | tee "$out"
exit "$rc"
