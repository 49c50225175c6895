#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Our hv_netvsc reconfigured while a verified TCP stream runs from NIC A to
# NIC B: MTU changes, a link flap from the host (carrier down and up),
# ethtool -L (queues), -G (buffer sizes), -K (offloads), a network change
# notification.  The stream must arrive complete and intact each time, and
# every operation must succeed.
# hvtest-timeout: 400
. /tests/lib/net.sh
mark netvsc-ops
QUICK=0
grep -q hvtest.quick /proc/cmdline && QUICK=1
SECS=10
[ "$QUICK" = 1 ] && SECS=6

require setup net_setup ours
require ours-drive-both nics_ours
cpus=$(nproc)

mtu_changes() {
	for m in 1500 4000 576 9000 1280 9000; do
		in_ns "$NS_A" "$IP" link set "$IF_A" mtu "$m" || return 1
		[ "$(in_ns "$NS_A" cat "/sys/class/net/$IF_A/mtu")" = "$m" ] || return 1
		sleep 0.7
	done
}
check mtu-under-traffic under_traffic "$SECS" mtu_changes
check mtu-back-to-9000 ping_sizes "$NS_A" "$B4" "9000"
# Below 1280 the kernel drops IPv6 from the interface: give A its address
# back for the IPv6 checks that follow.
in_ns "$NS_A" "$IP" -6 addr add "$A6/64" dev "$IF_A" nodad 2>/dev/null
check mtu-576-ipv6-back ping_sizes "$NS_B" "$A6" "64 1500"
# The receiving side too.
mtu_changes_b() {
	for m in 1500 9000; do
		in_ns "$NS_B" "$IP" link set "$IF_B" mtu "$m" || return 1
		sleep 1
	done
}
check mtu-b-under-traffic under_traffic "$SECS" mtu_changes_b

# Link flap from the host: the carrier goes, comes back, addresses stay.
link_flap() {
	netvsp_ctl link "$NIC_IDX_A" down || return 1
	wait_no_carrier "$NS_A" "$IF_A" 10 || { echo "carrier stayed up"; return 1; }
	sleep 1
	netvsp_ctl link "$NIC_IDX_A" up || return 1
	wait_carrier "$NS_A" "$IF_A" 10 || { echo "carrier did not come back"; return 1; }
}
check link-flap-under-traffic under_traffic "$SECS" link_flap
check link-flap-b sh -c "echo link $NIC_IDX_B down >$NETVSP_CTL"
check link-b-down wait_no_carrier "$NS_B" "$IF_B" 10
check link-b-down-no-ping test "$(ping_lost "$NS_A" "$B4" 5)" = 5
check link-flap-b-up sh -c "echo link $NIC_IDX_B up >$NETVSP_CTL"
check link-b-up wait_carrier "$NS_B" "$IF_B" 10
check after-flaps-ping6 ping_sizes "$NS_A" "$B6" "64 1500 9000"
network_change() {
	netvsp_ctl network-change "$NIC_IDX_A" || return 1
	sleep 3
	wait_carrier "$NS_A" "$IF_A" 10
}
check network-change-under-traffic under_traffic "$SECS" network_change

# ethtool -L: fewer and more queues, while the stream runs.
max=$(in_ns "$NS_A" ethtool -l "$IF_A" | awk '/^Pre-set/ { p = 1 } p && /^Combined:/ { print $2; exit }')
echo "INFO: combined channels max ${max:-?}, current $(eth_channels "$NS_A" "$IF_A")"
set_channels() {
	for n in "$@"; do
		in_ns "$NS_A" ethtool -L "$IF_A" combined "$n" || return 1
		[ "$(eth_channels "$NS_A" "$IF_A")" = "$n" ] || { echo "combined is $(eth_channels "$NS_A" "$IF_A"), not $n"; return 1; }
		sleep 1
	done
}
if [ "${max:-1}" -ge 2 ]; then
	check channels-under-traffic under_traffic "$SECS" set_channels 1 "$max" 2
	check channels-too-many sh -c "! $IP netns exec $NS_A ethtool -L $IF_A combined $((max + 1)) 2>/dev/null"
	check channels-restore set_channels "$max"
else
	skip channels-under-traffic "one queue at most ($cpus vCPU)"
fi

# ethtool -G: smaller and larger buffers, while the stream runs.
ring() { in_ns "$NS_A" ethtool -g "$IF_A" | awk -v k="$2:" -v s="$1" '$0 ~ s { p = 1 } p && $1 == k { print $2; exit }'; }
rx_max=$(ring Pre-set RX)
tx_max=$(ring Pre-set TX)
rx_cur=$(ring Current RX)
tx_cur=$(ring Current TX)
echo "INFO: ring RX $rx_cur (max $rx_max), TX $tx_cur (max $tx_max)"
set_rings() {
	in_ns "$NS_A" ethtool -G "$IF_A" rx "$1" tx "$2" || return 1
	if [ "$(ring Current RX)" != "$1" ] || [ "$(ring Current TX)" != "$2" ]; then
		echo "rings are $(ring Current RX)/$(ring Current TX), not $1/$2"
		return 1
	fi
	sleep 1
}
rings_dance() {
	set_rings $((rx_cur / 2)) $((tx_cur / 2)) && set_rings "$rx_max" "$tx_max" &&
		set_rings "$rx_cur" "$tx_cur"
}
check ring-sizes-known test -n "$rx_cur" -a -n "$tx_cur" -a -n "$rx_max" -a -n "$tx_max"
check rings-under-traffic under_traffic "$SECS" rings_dance

# ethtool -K: offloads off and on again, while the stream runs (on both ends).
offloads() {
	for f in "tso off" "tx off" "rx off" "sg off" "sg on tx on rx on tso on"; do
		# shellcheck disable=SC2086 # feature and value
		in_ns "$NS_A" ethtool -K "$IF_A" $f || return 1
		# shellcheck disable=SC2086
		in_ns "$NS_B" ethtool -K "$IF_B" $f || return 1
		sleep 1
	done
}
check offloads-under-traffic under_traffic "$SECS" offloads
check tso-back-on sh -c "$IP netns exec $NS_A ethtool -k $IF_A | grep -q '^tcp-segmentation-offload: on'"

# Everything again afterwards.
net_healthy after-ops
check udp-after-ops udp_xfer "$NS_A" "$NS_B" "$B4" 2000 1400
check no-errors test "$(err_sum)" = 0
check teardown net_teardown
check no-violations violations_zero
check log-clean log_clean_since netvsc-ops
finish
