#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Network benchmark (make bench), in the same boot as the storage one: two
# interfaces in two network namespaces, a server in one and a client in
# the other, for
#   ours    our hv_netvsc on two synthetic NICs, through the simulated switch
#   debian  Debian's hv_netvsc on the same NICs
#   veth    a veth pair: the same work without any transport
# Measurements, each the median of 3 runs of hvtest.bench_net_secs seconds
# (default 5):
#   tcp-1    iperf3 TCP, 1 stream, Gbit/s (receiver's count)
#   tcp-4    iperf3 TCP, 4 streams, Gbit/s
#   udp64    iperf3 UDP, 64-byte datagrams as fast as it can send, received
#            datagrams per second
#   rr-avg / rr-p99  sockperf UDP ping-pong round trip, average and 99th
#            percentile, microseconds
# One line per figure, "BENCHNET: <target> <test> <value> <unit> (<runs>)",
# or "BENCHNET: <target> <test> n/a <unit> (<why>)" for a target that cannot
# run (no synthetic NIC yet); scripts/bench.sh makes the table and the CSV.
# hvtest-timeout: 900
. /tests/lib/net.sh

SECS=$(sed -n 's/.*hvtest\.bench_net_secs=\([0-9]*\).*/\1/p' /proc/cmdline)
SECS=${SECS:-5}
REPS=3
TESTS="tcp-1 tcp-4 udp64 rr-avg rr-p99"
unit_of() {
	case $1 in
	tcp-*) echo Gbit/s ;;
	udp64) echo pps ;;
	rr-*) echo us ;;
	esac
}

# na TARGET WHY: every figure of TARGET is n/a.
na() {
	for t in $TESTS; do
		echo "BENCHNET: $1 $t n/a $(unit_of "$t") ($2)"
	done
	skip "$1-net" "$2"
}

# run_net TARGET: the measurements between NS_B (server, B4) and NS_A.
run_net() {
	tcp1='' tcp4='' udp='' avg='' p99=''
	for r in $(seq 1 "$REPS"); do
		tcp1="$tcp1 $(iperf_tcp "$NS_B" "$NS_A" "$B4" "$SECS" 1)"
		tcp4="$tcp4 $(iperf_tcp "$NS_B" "$NS_A" "$B4" "$SECS" 4)"
		udp="$udp $(iperf_udp_pps "$NS_B" "$NS_A" "$B4" "$SECS" 64)"
		rr=$(sockperf_rtt "$NS_B" "$NS_A" "$B4" "$SECS")
		avg="$avg ${rr% *}"
		p99="$p99 ${rr#* }"
		echo "INFO: $1 run $r done"
	done
	for t in $TESTS; do
		case $t in
		tcp-1) v=$tcp1 ;;
		tcp-4) v=$tcp4 ;;
		udp64) v=$udp ;;
		rr-avg) v=$avg ;;
		rr-p99) v=$p99 ;;
		esac
		# A failed run leaves a gap: fewer than REPS values.
		n=$(echo "$v" | wc -w)
		med=$(median "$v")
		echo "BENCHNET: $1 $t ${med:-n/a} $(unit_of "$t") (${v# } ; ${SECS}s x $n)"
		check "$1-$t-measured" test "$n" = "$REPS"
	done
}

# Our driver and Debian's on the simulated NICs, at MTU 1500.
# shellcheck disable=SC2034 # read by net_setup
NET_MTU=1500
if net_setup ours >/tmp/bench-setup.log 2>&1 && netvsc_is_ours; then
	pass ours-net-setup
	run_net ours
else
	na ours "no synthetic NIC with our hv_netvsc: $(tail -n 1 /tmp/bench-setup.log)"
fi
net_teardown >/dev/null 2>&1
if net_setup debian >/tmp/bench-setup.log 2>&1 && netvsc_is_debian; then
	pass debian-net-setup
	run_net debian
else
	na debian "no synthetic NIC with Debian's hv_netvsc: $(tail -n 1 /tmp/bench-setup.log)"
fi
ns_del_all >/dev/null 2>&1
unload_netvsc >/dev/null 2>&1

check veth-module modprobe veth
check veth-create ip link add va type veth peer name vb
check veth-setup pair_setup va vb 1500
run_net veth
ns_del_all
if grep -q '^vmbus_sim ' /proc/modules; then
	check net-no-violations violations_zero
fi
finish
