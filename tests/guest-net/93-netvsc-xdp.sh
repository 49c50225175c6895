#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# XDP on our hv_netvsc (native mode, xdpload): PASS, DROP, TX, swap (TX
# with the addresses exchanged, so the frame goes back through the switch
# to its sender), REDIRECT to a veth and into the NIC (ndo_xdp_xmit).  Each
# verdict's frames are counted by the driver (xdp_* in ethtool -S) and on
# the other side (the sender, the redirect target).
# hvtest-timeout: 300
. /tests/lib/net.sh
mark netvsc-xdp
N=20

# XDP needs a frame in one page: MTU 1500.
# shellcheck disable=SC2034 # read by net_setup
NET_MTU=1500
require setup net_setup ours
require ours-drive-both nics_ours

# Whether the driver takes a single-buffer program at MTU 9000 (upstream's
# refuses): told, not checked.
in_ns "$NS_B" "$IP" link set "$IF_B" mtu 9000
echo "INFO: XDP at MTU 9000: $(xdp "$NS_B" "$IF_B" pass 2>&1 | tr '\n' ' ')"
xdp "$NS_B" "$IF_B" off >/dev/null
check mtu-1500-for-xdp in_ns "$NS_B" "$IP" link set "$IF_B" mtu 1500

p0=$(eth_stat "$NS_B" "$IF_B" xdp_pass)
check xdp-pass xdp "$NS_B" "$IF_B" pass
check xdp-pass-attached xdp_attached "$NS_B" "$IF_B"
check xdp-pass-ping ping_sizes "$NS_A" "$B4" "64 1000 1500"
check xdp-pass-tcp tcp_xfer "$NS_A" "$NS_B" "$B4" 4
p1=$(eth_stat "$NS_B" "$IF_B" xdp_pass)
check xdp-pass-counted test $((p1 - p0)) -ge 1000

tx0=$(if_stat "$NS_A" "$IF_A" tx_packets)
d0=$(eth_stat "$NS_B" "$IF_B" xdp_drop)
check xdp-drop xdp "$NS_B" "$IF_B" drop
check xdp-drop-all-lost test "$(ping_lost "$NS_A" "$B4" "$N")" = "$N"
if udp_xfer "$NS_A" "$NS_B" "$B4" 100 200 >/tmp/xdp-udp.log 2>&1; then
	fail xdp-drop-udp-lost "$(cat /tmp/xdp-udp.log)"
else
	check xdp-drop-udp-lost grep -q 'missing=100 ' /tmp/xdp-udp.log
fi
tx1=$(if_stat "$NS_A" "$IF_A" tx_packets)
d1=$(eth_stat "$NS_B" "$IF_B" xdp_drop)
echo "INFO: xdp_drop $d0 -> $d1, sender tx_packets $tx0 -> $tx1"
check xdp-drop-counted test $((d1 - d0)) -ge $((N + 100))
check xdp-drop-sender-sent test $((tx1 - tx0)) -ge $((N + 100))

t0=$(eth_stat "$NS_B" "$IF_B" xdp_tx)
x0=$(eth_stat "$NS_B" "$IF_B" xdp_xmit)
check xdp-tx xdp "$NS_B" "$IF_B" tx
check xdp-tx-no-reply test "$(ping_lost "$NS_A" "$B4" "$N")" = "$N"
t1=$(eth_stat "$NS_B" "$IF_B" xdp_tx)
x1=$(eth_stat "$NS_B" "$IF_B" xdp_xmit)
echo "INFO: xdp_tx $t0 -> $t1, xdp_xmit $x0 -> $x1"
check xdp-tx-counted test $((t1 - t0)) -ge "$N"
check xdp-tx-sent test $((x1 - x0)) -ge "$N"

# swap: back through the switch to A, whose IP layer counts the echo
# requests for B's address (InAddrErrors).
e0=$(ip_in_addr_errors "$NS_A")
t0=$(eth_stat "$NS_B" "$IF_B" xdp_tx)
check xdp-swap xdp "$NS_B" "$IF_B" swap
check xdp-swap-no-reply test "$(ping_lost "$NS_A" "$B4" "$N")" = "$N"
e1=$(ip_in_addr_errors "$NS_A")
t1=$(eth_stat "$NS_B" "$IF_B" xdp_tx)
echo "INFO: swap: xdp_tx $t0 -> $t1, A's InAddrErrors $e0 -> $e1"
check xdp-swap-counted test $((t1 - t0)) -ge "$N"
check xdp-swap-returned test $((e1 - e0)) -ge "$N"

# Redirect from the NIC to a veth (vr0 in NS_B, its peer vr1 in hvC).
ip netns add hvC 2>/dev/null
check veth-create in_ns "$NS_B" "$IP" link add vr0 type veth peer name vr1
check veth-move in_ns "$NS_B" "$IP" link set vr1 netns hvC
in_ns "$NS_B" "$IP" link set vr0 up
in_ns hvC "$IP" link set vr1 up
in_ns hvC "$IP" link set lo up
check veth-carrier wait_carrier hvC vr1 10
check xdp-pass-on-target xdp hvC vr1 pass
r0=$(eth_stat "$NS_B" "$IF_B" xdp_redirect)
v0=$(if_stat hvC vr1 rx_packets)
check xdp-redirect xdp "$NS_B" "$IF_B" "redirect:$(ifindex "$NS_B" vr0)"
check xdp-redirect-no-reply test "$(ping_lost "$NS_A" "$B4" "$N")" = "$N"
r1=$(eth_stat "$NS_B" "$IF_B" xdp_redirect)
v1=$(if_stat hvC vr1 rx_packets)
echo "INFO: xdp_redirect $r0 -> $r1, target's peer rx_packets $v0 -> $v1"
check xdp-redirect-counted test $((r1 - r0)) -ge "$N"
check xdp-redirect-arrived test $((v1 - v0)) -ge "$N"
check xdp-off xdp "$NS_B" "$IF_B" off
check xdp-off-ping ping_sizes "$NS_A" "$B4" "64 1500"

# Redirect into the NIC: frames vr1 sends are redirected by vr0's program
# out through NIC B (ndo_xdp_xmit), to the switch.
# They are addressed to NIC A (a static neighbour entry: no ARP); whether
# the switch passes a source address not NIC B's is the host's business
# (told, not checked).
in_ns hvC "$IP" addr add 10.78.0.2/24 dev vr1
in_ns hvC "$IP" neigh replace 10.78.0.1 lladdr "$NIC_MAC_A" dev vr1
x0=$(eth_stat "$NS_B" "$IF_B" xdp_xmit)
e0=$(ip_in_addr_errors "$NS_A")
check xdp-redirect-into-nic xdp "$NS_B" vr0 "redirect:$(ifindex "$NS_B" "$IF_B")"
ping_lost hvC 10.78.0.1 "$N" >/dev/null
x1=$(eth_stat "$NS_B" "$IF_B" xdp_xmit)
e1=$(ip_in_addr_errors "$NS_A")
echo "INFO: NIC B xdp_xmit $x0 -> $x1; NIC A's namespace InAddrErrors $e0 -> $e1"
check xdp-xmit-counted test $((x1 - x0)) -ge "$N"
check xdp-off-veth xdp "$NS_B" vr0 off

# Attach and detach under traffic; both NICs at once.
xdp_toggle() {
	for v in pass off pass off; do
		xdp "$NS_B" "$IF_B" "$v" >/dev/null || return 1
		xdp "$NS_A" "$IF_A" "$v" >/dev/null || return 1
		sleep 1
	done
}
check xdp-toggle-under-traffic under_traffic 8 xdp_toggle
check xdp-generic-mode xdp "$NS_B" "$IF_B" drop -s
check xdp-generic-drop test "$(ping_lost "$NS_A" "$B4" 5)" = 5
check xdp-generic-off xdp "$NS_B" "$IF_B" off
net_healthy after-xdp
check no-errors test "$(err_sum)" = 0
check teardown net_teardown
check no-violations violations_zero
check log-clean log_clean_since netvsc-xdp
finish
