#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Our hv_netvsc comes and goes, and so does the host, with traffic resuming
# each time: unbind and rmmod under traffic (the stream ends with an error,
# never a hang), reload, reload of vmbus_sim with the driver loaded (the
# NICs are rescinded and offered again), a rescind of one NIC under
# traffic; each NVSP version the driver can be limited to (6.1 ... 1: no
# sub-channels below 5), max_queues and buffer-size parameters.
# hvtest-timeout: 600
. /tests/lib/net.sh
mark netvsc-reload
QUICK=0
grep -q hvtest.quick /proc/cmdline && QUICK=1

# stop_traffic: a stream whose NIC went away may wait for TCP's timeouts:
# end it (the driver's part, the prompt unbind or rmmod, is checked).
stop_traffic() {
	kill "$TRAFFIC_SPID" "$TRAFFIC_RPID" 2>/dev/null
	wait "$TRAFFIC_SPID" "$TRAFFIC_RPID" 2>/dev/null
	echo "INFO: stream before the end: $(tr '\n' ' ' </tmp/net-tr.send) / $(tr '\n' ' ' </tmp/net-tr.recv)"
}

require setup net_setup ours
require ours-drive-both nics_ours

# rmmod while a stream runs: the stream fails (the NIC is gone), promptly.
# Not through check: the stream's processes must stay this shell's children.
stream() {
	if traffic_start "$NS_A" "$NS_B" "$B4" 30; then
		pass "$1"
	else
		fail "$1" "the stream did not start"
	fi
	sleep 2
}
stream stream-start
check unbind-under-traffic sh -c "echo $(nic_vmbus_dev "$IF_B" "$NS_B") >/sys/bus/vmbus/drivers/hv_netvsc/unbind"
check nic-b-gone wait_for 10 sh -c "! $IP netns exec $NS_B test -e /sys/class/net/$IF_B"
check rmmod-under-traffic wait_for 20 rmmod hv_netvsc
check nic-a-gone wait_for 10 sh -c "! $IP netns exec $NS_A test -e /sys/class/net/$IF_A"
stop_traffic
check devices-still-offered nic_devices_are 2
check reload-resumes net_setup ours
net_healthy reload

rounds=3
[ "$QUICK" = 1 ] && rounds=1
for r in $(seq 1 "$rounds"); do
	check "reload-$r" net_setup ours
	check "reload-$r-tcp" tcp_xfer "$NS_A" "$NS_B" "$B4" 2
done

# The host goes away under traffic (its NICs are rescinded) and comes back.
stream host-stream
check rmmod-sim-under-traffic wait_for 20 rmmod vmbus_sim
check nic-a-rescinded wait_for 20 sh -c "! $IP netns exec $NS_A test -e /sys/class/net/$IF_A"
check nic-b-rescinded wait_for 20 sh -c "! $IP netns exec $NS_B test -e /sys/class/net/$IF_B"
stop_traffic
ns_del_all
check nics-gone test "$(nic_count)" = 0
check netvsc-still-loaded netvsc_is_ours
check host-back net_stack
check host-back-setup net_setup ours
net_healthy host-back

# One NIC rescinded under traffic: its netdev goes, the other stays usable.
# offers: "relid kind class instance state sub-channel-index".
relid=$(awk '$2 == "nic" && $6 == 0 { print $1 }' "$SIM/offers" | tail -n 1)
echo "INFO: offers: $(tr '\n' ';' <"$SIM/offers")"
if [ -n "$relid" ]; then
	stream rescind-stream
	check rescind-nic sh -c "echo $relid >$SIM/rescind"
	check rescinded-relid-gone wait_for 10 relid_gone "$relid"
	check rescinded-one-left wait_for 10 nic_devices_are 1
	check rescinded-netdev-gone wait_for 10 sh -c "! $IP netns exec $NS_B test -e /sys/class/net/$IF_B"
	check other-nic-stays in_ns "$NS_A" test -e "/sys/class/net/$IF_A"
	stop_traffic
	check rescind-no-violations violations_zero
else
	fail rescind-nic "no NIC relid in $SIM/offers"
fi
check host-again net_stack

# Each NVSP version the driver can be limited to; MTU 1500 (jumbo frames
# need NVSP 2, sub-channels need 5).
versions="6.1 6 5 4 2 1"
[ "$QUICK" = 1 ] && versions="6.1 5 1"
for v in $versions; do
	# shellcheck disable=SC2034 # read by net_setup
	NET_MTU=1500
	check "nvsp-$v-load" net_setup ours nvsp_max_version="$v"
	check "nvsp-$v-ping" ping_sizes "$NS_A" "$B4" "64 1500"
	check "nvsp-$v-tcp" tcp_xfer "$NS_A" "$NS_B" "$B4" 2
	ch=$(eth_channels "$NS_A" "$IF_A")
	echo "INFO: NVSP $v: $ch queue(s); host: $(netvsp_version)"
	case $v in
	6.1|6|5) [ "$(nproc)" -ge 2 ] && check "nvsp-$v-subchannels" test "${ch:-0}" -ge 2 ;;
	*) check "nvsp-$v-one-queue" test "${ch:-0}" = 1 ;;
	esac
	check "nvsp-$v-no-violations" violations_zero
done
# shellcheck disable=SC2034 # read by net_setup
NET_MTU=9000

# Module parameters.
check max-queues-1 net_setup ours max_queues=1
check max-queues-1-applied test "$(eth_channels "$NS_A" "$IF_A")" = 1
check max-queues-1-tcp tcp_xfer "$NS_A" "$NS_B" "$B4" 2
if [ "$(nproc)" -ge 2 ]; then
	check max-queues-2 net_setup ours max_queues=2
	check max-queues-2-applied test "$(eth_channels "$NS_A" "$IF_A")" = 2
fi
check small-ring net_setup ours ring_size=65536
check small-ring-tcp tcp_xfer "$NS_A" "$NS_B" "$B4" 4
check small-buffers net_setup ours recv_buf_size=1048576 send_buf_size=1048576
check small-buffers-tcp tcp_xfer "$NS_A" "$NS_B" "$B4" 4
check small-buffers-ping ping_sizes "$NS_A" "$B4" "64 9000"
check defaults-again net_setup ours
net_healthy final

check teardown net_teardown
check no-violations violations_zero
check log-clean log_clean_since netvsc-reload
finish
