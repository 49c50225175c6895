#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Our hv_netvsc on two synthetic NICs of the simulated host, one in each
# of two network namespaces, through the simulated switch: NVSP 6.1, the
# queues, pings of every size up to 9000 B at MTU 9000 over IPv4 and IPv6,
# TCP and UDP verified end to end, traffic spread over several queues
# (ethtool -S per-queue counters), the RSS indirection table (ethtool -x/-X).
# hvtest-timeout: 400
. /tests/lib/net.sh
mark netvsc-basic
QUICK=0
grep -q hvtest.quick /proc/cmdline && QUICK=1
NET_MIB=16
[ "$QUICK" = 1 ] && NET_MIB=4

require stack-two-nics net_stack
require setup net_setup ours
require ours-drive-both nics_ours
check two-synthetic-nics test "$(($(nic_count "$NS_A") + $(nic_count "$NS_B")))" = 2
check nic-a-is-vmbus test -n "$(nic_vmbus_dev "$IF_A" "$NS_A")"
echo "INFO: NIC A $IF_A ($(nic_vmbus_dev "$IF_A" "$NS_A")), NIC B $IF_B ($(nic_vmbus_dev "$IF_B" "$NS_B"))"
in_ns "$NS_A" ethtool -i "$IF_A" | sed 's/^/INFO: /'
sed 's/^/INFO: netvsp: /' "$NETVSP" 2>/dev/null | head -n 20
v=$(netvsp_version)
case $v in
"") skip nvsp-6.1 "the netvsp file shows no version= field" ;;
*) check nvsp-6.1 sh -c "echo '$v' | grep -qiE '^(0x)?0*60001$|^6\\.1$'" ;;
esac
check host-port-exists test -e "/sys/class/net/$HOST_PORT"
check mtu-9000 test "$(in_ns "$NS_A" cat "/sys/class/net/$IF_A/mtu")" = 9000

# Queues: one per vCPU up to 8 (the host offers 7 sub-channels).
cpus=$(nproc)
want=$cpus
[ "$want" -gt 8 ] && want=8
check "channels-$want-for-$cpus-cpus" test "$(eth_channels "$NS_A" "$IF_A")" = "$want"

# Pings of every size, both families, both directions.
check ping4-sizes ping_sizes "$NS_A" "$B4" "$NET_SIZES"
check ping6-sizes ping_sizes "$NS_A" "$B6" "$NET_SIZES"
check ping4-sizes-b-to-a ping_sizes "$NS_B" "$A4" "$NET_SIZES"
check ping6-sizes-b-to-a ping_sizes "$NS_B" "$A6" "$NET_SIZES"
check ping-lost-is-counted test "$(ping_lost "$NS_A" 10.77.0.99 3)" = 3

# Verified transfers.
tx0=$(eth_stat "$NS_A" "$IF_A" tx_packets)
rx0=$(eth_stat "$NS_B" "$IF_B" rx_packets)
check tcp4-a-to-b tcp_xfer "$NS_A" "$NS_B" "$B4" "$NET_MIB"
check tcp6-a-to-b tcp_xfer "$NS_A" "$NS_B" "$B6" "$NET_MIB"
check tcp4-b-to-a tcp_xfer "$NS_B" "$NS_A" "$A4" "$NET_MIB"
check tcp6-b-to-a tcp_xfer "$NS_B" "$NS_A" "$A6" "$NET_MIB"
check udp4-1400 udp_xfer "$NS_A" "$NS_B" "$B4" 2000 1400
check udp6-64 udp_xfer "$NS_B" "$NS_A" "$A6" 2000 64
check udp4-jumbo udp_xfer "$NS_A" "$NS_B" "$B4" 200 8900
check udp6-fragmented udp_xfer "$NS_A" "$NS_B" "$B6" 50 30000
tx1=$(eth_stat "$NS_A" "$IF_A" tx_packets)
rx1=$(eth_stat "$NS_B" "$IF_B" rx_packets)
echo "INFO: A tx_packets $tx0 -> $tx1, B rx_packets $rx0 -> $rx1"
check ethtool-tx-counted test $((tx1 - tx0)) -ge 2000
check ethtool-rx-counted test $((rx1 - rx0)) -ge 2000
check ethtool-tx-bytes test "$(eth_stat "$NS_A" "$IF_A" tx_bytes)" -gt $((NET_MIB << 20))
for c in rx_drops tx_drops tx_busy tx_copied tx_pagebuf tx_batched tx_tso tx_csum rx_csum_ok \
	xdp_pass xdp_drop xdp_tx xdp_redirect xdp_xmit err_bad_packet err_bad_xfer err_bad_rndis \
	err_bad_ppi err_bad_completion err_bad_control err_bad_host_msg; do
	eth_stat "$NS_A" "$IF_A" "$c" >/dev/null || fail "ethtool-has-$c" "no counter $c"
done
pass ethtool-counters-present
check no-errors-so-far test "$(err_sum)" = 0
check tso-used test "$(eth_stat "$NS_A" "$IF_A" tx_tso)" -gt 0
echo "INFO: rx_csum_ok $(eth_stat "$NS_B" "$IF_B" rx_csum_ok) (the host's checksum info)"

# Many flows spread over the queues: 8 TCP streams, each sender pinned to
# a CPU in turn (so that a driver picking the queue by CPU or by flow hash
# both spread them), each verified; the host hashes them (Toeplitz) onto
# the sub-channels on the way in.  Per-queue counters show it.
many_flows() {
	_secs=${1:-4}
	_ncpu=$(nproc)
	for _i in 0 1 2 3 4 5 6 7; do
		in_ns "$NS_B" netcheck tcp-recv -p $((5301 + _i)) >/tmp/mf-r$_i.log 2>&1 &
	done
	for _i in 0 1 2 3 4 5 6 7; do
		_wait_listening /tmp/mf-r$_i.log || return 1
		in_ns "$NS_A" taskset -c $((_i % _ncpu)) netcheck tcp-send -t "$_secs" \
			"$B4" $((5301 + _i)) >/tmp/mf-s$_i.log 2>&1 &
	done
	_bad=0
	for _j in $(jobs -p); do
		wait "$_j" || _bad=$((_bad + 1))
	done
	for _i in 0 1 2 3 4 5 6 7; do
		_sb=$(sed -n 's/^tcp-send: bytes=//p' /tmp/mf-s$_i.log)
		grep -q "^tcp-recv: bytes=$_sb pattern_errors=0" /tmp/mf-r$_i.log ||
			{ echo "flow $_i: $(cat /tmp/mf-s$_i.log /tmp/mf-r$_i.log | tr '\n' ' ')"; _bad=$((_bad + 1)); }
	done
	[ "$_bad" = 0 ]
}
check many-flows many_flows 4
rxq=$(eth_nonzero "$NS_B" "$IF_B" '^rx[0-9]+_packets$')
txq=$(eth_nonzero "$NS_A" "$IF_A" '^tx[0-9]+_packets$')
in_ns "$NS_B" ethtool -S "$IF_B" | grep -E '^ *rx[0-9]+_packets' | tr -s ' ' | tr '\n' ' ' | sed 's/^/INFO: B /'
echo
in_ns "$NS_A" ethtool -S "$IF_A" | grep -E '^ *tx[0-9]+_packets' | tr -s ' ' | tr '\n' ' ' | sed 's/^/INFO: A /'
echo
if [ "$want" -ge 2 ]; then
	check several-rx-queues-used test "$rxq" -ge 2
	check several-tx-queues-used test "$txq" -ge 2
else
	check one-rx-queue test "$rxq" = 1
fi
check per-queue-sum-matches sh -c "[ $(eth_sum "$NS_B" "$IF_B" '^rx[0-9]+_packets$') -le $(eth_stat "$NS_B" "$IF_B" rx_packets) ]"

# RSS indirection table: ethtool -x shows it, -X equal 1 sends every flow
# to queue 0, -X default restores the spread.
check rss-table-shown sh -c "$IP netns exec $NS_B ethtool -x $IF_B | grep -q 'indirection table'"
if [ "$want" -ge 2 ]; then
	check rss-equal-1 in_ns "$NS_B" ethtool -X "$IF_B" equal 1
	check rss-table-all-0 sh -c "$IP netns exec $NS_B ethtool -x $IF_B | awk '/^ *[0-9]+:/ { for (i = 2; i <= NF; i++) if (\$i != 0) bad = 1 } END { exit bad }'"
	others0=$(eth_sum "$NS_B" "$IF_B" '^rx[1-9][0-9]*_packets$')
	q00=$(eth_stat "$NS_B" "$IF_B" rx0_packets)
	check rss-flows many_flows 3
	others1=$(eth_sum "$NS_B" "$IF_B" '^rx[1-9][0-9]*_packets$')
	q01=$(eth_stat "$NS_B" "$IF_B" rx0_packets)
	echo "INFO: after -X equal 1: queue 0 +$((q01 - q00)), others +$((others1 - others0))"
	check rss-queue-0-only test $(((others1 - others0) * 50)) -le $((q01 - q00))
	check rss-default in_ns "$NS_B" ethtool -X "$IF_B" default
	check rss-spread-again sh -c "$IP netns exec $NS_B ethtool -x $IF_B | awk '/^ *[0-9]+:/ { for (i = 2; i <= NF; i++) if (\$i != 0) nz = 1 } END { exit !nz }'"
fi

check no-errors test "$(err_sum)" = 0
check teardown net_teardown
check no-violations violations_zero
check log-clean log_clean_since netvsc-basic
finish
