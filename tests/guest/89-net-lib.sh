#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Self-test of the network test tools (tests/guest/lib/net.sh, netcheck,
# xdpload, iproute2, ethtool, iperf3, sockperf) on veth pairs, no NIC
# needed: two namespaces, pings of every size at MTU 9000 over IPv4 and
# IPv6, TCP and UDP transfers verified end to end, traffic surviving MTU
# changes, a link flap and ethtool -K, ethtool -S lookups, XDP drop, tx and
# redirect with the frames counted on both sides, iperf3 and sockperf.
# hvtest-timeout: 300
. /tests/lib/net.sh
mark netlib
QUICK=0
grep -q hvtest.quick /proc/cmdline && QUICK=1

cleanup() {
	ns_del_all
}

check veth-module modprobe veth
check netns-mounts-run test -d /run
require veth-create ip link add va type veth peer name vb
require pair-setup pair_setup va vb 9000
check mtu-9000 test "$(in_ns "$NS_A" cat /sys/class/net/va/mtu)" = 9000
check ns-isolated sh -c "! test -e /sys/class/net/va"
check ns-own-sysfs in_ns "$NS_B" test -e /sys/class/net/vb
if nic_is_synthetic va "$NS_A"; then
	fail veth-not-synthetic "a veth counted as a synthetic NIC"
else
	pass veth-not-synthetic
fi
check no-synthetic-nics test "$(nic_count "$NS_A")" = 0
check nic-by-mac test "$(nic_by_mac "$(in_ns "$NS_B" cat /sys/class/net/vb/address)" "$NS_B")" = vb

# Pings of every size, both families; a size over the MTU must fail.
sizes=$NET_SIZES
[ "$QUICK" = 1 ] && sizes="64 1500 9000"
check ping4-sizes ping_sizes "$NS_A" "$B4" "$sizes"
check ping6-sizes ping_sizes "$NS_A" "$B6" "$sizes"
check ping6-reverse ping_sizes "$NS_B" "$A6" "64 9000"
set_mtu() {
	in_ns "$NS_A" "$IP" link set va mtu "$1" && in_ns "$NS_B" "$IP" link set vb mtu "$1"
}
check mtu-1500 set_mtu 1500
# 4000 B over a 1500-byte MTU is fragmented by the sender: still answered.
check ping4-fragmented ping_sizes "$NS_A" "$B4" "4000"
check ping6-fragmented ping_sizes "$NS_A" "$B6" "4000"
check ping-lost-counts test "$(ping_lost "$NS_A" 10.77.0.99 5)" = 5
check mtu-9000-again set_mtu 9000

# Verified transfers; and the checks must be able to fail.
mib=16
[ "$QUICK" = 1 ] && mib=4
check tcp4-verified tcp_xfer "$NS_A" "$NS_B" "$B4" "$mib"
check tcp6-verified tcp_xfer "$NS_B" "$NS_A" "$A6" "$mib"
if tcp_xfer "$NS_A" "$NS_B" 10.77.9.9 1 >/dev/null 2>&1; then
	fail tcp-unreachable-fails "a transfer to nowhere passed"
else
	pass tcp-unreachable-fails
fi
check udp4-verified udp_xfer "$NS_A" "$NS_B" "$B4" 2000 1400
check udp6-small udp_xfer "$NS_B" "$NS_A" "$A6" 1000 64
check udp-jumbo udp_xfer "$NS_A" "$NS_B" "$B4" 50 8900
check udp-fragmented udp_xfer "$NS_A" "$NS_B" "$B6" 50 30000

# Traffic that must survive an operation.
mtu_dance() {
	for m in 1500 4000 1280 9000; do
		in_ns "$NS_A" "$IP" link set va mtu "$m" || return 1
		sleep 0.5
	done
}
flap_veth() {
	in_ns "$NS_A" "$IP" link set va down || return 1
	sleep 1
	in_ns "$NS_A" "$IP" link set va up || return 1
	wait_carrier "$NS_A" va 10 || return 1
	# Down drops the IPv6 addresses; put it back.
	in_ns "$NS_A" "$IP" -6 addr replace "$A6/64" dev va nodad
}
offloads() {
	for f in "tso off" "gso off" "tx-checksumming off" "tso on gso on tx-checksumming on"; do
		# shellcheck disable=SC2086 # several words: feature, value
		in_ns "$NS_A" ethtool -K va $f || return 1
		sleep 0.5
	done
}
secs=6
[ "$QUICK" = 1 ] && secs=4
check mtu-under-traffic under_traffic "$secs" mtu_dance
check flap-under-traffic under_traffic "$secs" flap_veth
check offloads-under-traffic under_traffic "$secs" offloads
check ping-after-flap ping_sizes "$NS_A" "$B6" "64 9000"
# A failed operation must fail under_traffic too.
if under_traffic 3 false >/dev/null 2>&1; then
	fail under-traffic-fails "a failing command passed"
else
	pass under-traffic-fails
fi

# ethtool -S lookups.
check ethtool-stat-peer test "$(eth_stat "$NS_A" va peer_ifindex)" = "$(ifindex "$NS_B" vb)"
if eth_stat "$NS_A" va no_such_counter >/dev/null; then
	fail ethtool-stat-missing-fails "found a counter that does not exist"
else
	pass ethtool-stat-missing-fails
fi
check ethtool-channels test -n "$(in_ns "$NS_A" ethtool -l va)"

# XDP on the veth (native mode).  Frames are counted on both sides.  A
# veth takes a program without multi-buffer support (xdpload -f) only while
# its peer's MTU fits a page.
n=20
check xdp-refused-at-9000 sh -c "! $IP netns exec $NS_A xdpload va pass 2>/tmp/xdp-refused.log"
sed 's/^/INFO: /' /tmp/xdp-refused.log
check xdp-frags-at-9000 xdp "$NS_A" va pass -f
check xdp-frags-ping ping_sizes "$NS_A" "$B4" "9000"
check xdp-frags-off xdp "$NS_A" va off
check xdp-mtu-1500 set_mtu 1500
# XDP_TX and redirect reach the peer's NAPI, which exists while that end
# has an XDP program (or GRO): "pass" on the senders' ends.
check xdp-pass xdp "$NS_A" va pass
check xdp-pass-attached xdp_attached "$NS_A" va
check xdp-pass-ping ping_sizes "$NS_A" "$B4" "64 1500 9000"

d0=$(eth_sum "$NS_B" vb 'xdp_drops$')
check xdp-drop xdp "$NS_B" vb drop
check xdp-drop-all-lost test "$(ping_lost "$NS_A" "$B4" "$n")" = "$n"
d1=$(eth_sum "$NS_B" vb 'xdp_drops$')
echo "INFO: xdp_drops $d0 -> $d1"
check xdp-drop-counted test $((d1 - d0)) -ge "$n"
# Every datagram goes missing, and udp_xfer says so.
if udp_xfer "$NS_A" "$NS_B" "$B4" 100 200 >/tmp/udp-drop.log 2>&1; then
	fail udp-loss-detected "$(cat /tmp/udp-drop.log)"
else
	check udp-loss-detected grep -q 'missing=100 ' /tmp/udp-drop.log
fi

rx0=$(if_stat "$NS_A" va rx_packets)
t0=$(eth_sum "$NS_B" vb 'xdp_tx$')
check xdp-tx xdp "$NS_B" vb tx
check xdp-tx-no-reply test "$(ping_lost "$NS_A" "$B4" "$n")" = "$n"
rx1=$(if_stat "$NS_A" va rx_packets)
t1=$(eth_sum "$NS_B" vb 'xdp_tx$')
echo "INFO: xdp_tx $t0 -> $t1, sender's rx_packets $rx0 -> $rx1"
check xdp-tx-counted test $((t1 - t0)) -ge "$n"
check xdp-tx-reflected test $((rx1 - rx0)) -ge "$n"

# swap: back to the sender, addressed to it: its IP layer sees echo requests
# for an address not its own (InAddrErrors), one per frame.
e0=$(ip_in_addr_errors "$NS_A")
t0=$(eth_sum "$NS_B" vb 'xdp_tx$')
check xdp-swap xdp "$NS_B" vb swap
check xdp-swap-no-reply test "$(ping_lost "$NS_A" "$B4" "$n")" = "$n"
e1=$(ip_in_addr_errors "$NS_A")
t1=$(eth_sum "$NS_B" vb 'xdp_tx$')
echo "INFO: swap: xdp_tx $t0 -> $t1, sender's InAddrErrors $e0 -> $e1"
check xdp-swap-counted test $((t1 - t0)) -ge "$n"
check xdp-swap-returned test $((e1 - e0)) -ge "$n"

# Redirect: frames arriving on vb leave through vc (NS_B) to vd (hvC).
check veth2-create in_ns "$NS_B" "$IP" link add vc type veth peer name vd
ip netns add hvC
check veth2-move in_ns "$NS_B" "$IP" link set vd netns hvC
in_ns hvC "$IP" link set vd up
in_ns "$NS_B" "$IP" link set vc up
check veth2-carrier wait_carrier hvC vd 10
check xdp-pass-target xdp hvC vd pass
vd0=$(if_stat hvC vd rx_packets)
r0=$(eth_sum "$NS_B" vb 'xdp_redirect$')
check xdp-redirect xdp "$NS_B" vb "redirect:$(ifindex "$NS_B" vc)"
check xdp-redirect-no-reply test "$(ping_lost "$NS_A" "$B4" "$n")" = "$n"
vd1=$(if_stat hvC vd rx_packets)
r1=$(eth_sum "$NS_B" vb 'xdp_redirect$')
echo "INFO: xdp_redirect $r0 -> $r1, target's peer rx_packets $vd0 -> $vd1"
check xdp-redirect-counted test $((r1 - r0)) -ge "$n"
check xdp-redirect-arrived test $((vd1 - vd0)) -ge "$n"

check xdp-off xdp "$NS_B" vb off
check xdp-off-detached sh -c "! $IP netns exec $NS_B $IP -d link show vb | grep -q prog/xdp"
check xdp-off-ping ping_sizes "$NS_A" "$B4" "64 9000"
check xdp-skb-mode xdp "$NS_B" vb drop -s
check xdp-skb-drop test "$(ping_lost "$NS_A" "$B4" 5)" = 5
check xdp-skb-off xdp "$NS_B" vb off
check xdp-bad-iface sh -c "! xdpload no-such-if drop 2>/dev/null"
check xdp-bad-verdict sh -c "! xdpload lo bogus 2>/dev/null"
check xdp-off-a xdp "$NS_A" va off
check tcp-after-xdp tcp_xfer "$NS_A" "$NS_B" "$B4" 4

# The benchmark's measurements work (short runs).
g=$(iperf_tcp "$NS_B" "$NS_A" "$B4" 2 1)
echo "INFO: iperf3 TCP 1 stream 2 s: $g Gbit/s"
check iperf3-tcp awk -v g="${g:-0}" 'BEGIN { exit !(g > 0) }'
g4=$(iperf_tcp "$NS_B" "$NS_A" "$B4" 2 4)
echo "INFO: iperf3 TCP 4 streams 2 s: $g4 Gbit/s"
check iperf3-tcp-4 awk -v g="${g4:-0}" 'BEGIN { exit !(g > 0) }'
pps=$(iperf_udp_pps "$NS_B" "$NS_A" "$B4" 2 64)
echo "INFO: iperf3 UDP 64 B 2 s: $pps pps received"
check iperf3-udp-pps test "${pps:-0}" -gt 0
rtt=$(sockperf_rtt "$NS_B" "$NS_A" "$B4" 2)
echo "INFO: sockperf ping-pong 2 s: avg/p99 RTT $rtt us"
check sockperf-rtt test -n "$rtt"
check median-odd test "$(median 5 1 3)" = 3
check median-even test "$(median 4 1 3 2)" = 2

# Debian's hv_netvsc renamed hv_netdeb (for the interop test) loads beside
# a hv_netvsc, each a VMBus driver of its own.
check stack-up ensure_stack
check netdeb-insmod insmod "$DEBIAN_NETDEB"
netvsc_loaded || check netvsc-modprobe modprobe hv_netvsc
check netdeb-driver test -d /sys/bus/vmbus/drivers/hv_netdeb
check netvsc-driver test -d /sys/bus/vmbus/drivers/hv_netvsc
check netdeb-name grep -q '^hv_netdeb ' /proc/modules
check netdeb-unload unload_netvsc
check netdeb-gone sh -c "! grep -qE '^hv_net(deb|vsc) ' /proc/modules"

cleanup
check ns-deleted test -z "$(ip netns list)"
check veths-gone sh -c "! $IP link show vc 2>/dev/null && ! $IP link show va 2>/dev/null"
check log-clean log_clean_since netlib
finish
