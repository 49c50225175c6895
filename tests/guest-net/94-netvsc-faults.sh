#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The simulated host misbehaves (netvsp_ctl faults), our hv_netvsc copes:
# each fault costs at most the frames it hits, raises the matching err_*
# counter (or drop counter) and never hangs the device: traffic works
# afterwards, the guest commits no protocol violation, the log has no oops.
#   malformed N   N malformed NVSP messages from the host
#   ppi0 N        N receive packets with a zero-length per-packet info
#   badrange N    N receive packets whose range leaves the receive buffer
#   badpageset N  N receive packets naming another transfer page set
#   drop-send N   the host drops N of the guest's sends
#   dup-send N    the host completes N of the guest's sends twice
# hvtest-timeout: 400
. /tests/lib/net.sh
mark netvsc-faults
QUICK=0
grep -q hvtest.quick /proc/cmdline && QUICK=1

require setup net_setup ours
require ours-drive-both nics_ours
check no-errors-before test "$(err_sum)" = 0

# fault_case FAULT N COUNTERS: arm the fault, make traffic both ways (pings
# and a verified transfer that may lose a frame or a few but recovers),
# then the counters named by the regex COUNTERS must have grown and all is
# well again.
fault_case() {
	_f=$1 _n=$2 _re=$3
	_c0=$(($(eth_sum "$NS_A" "$IF_A" "$_re") + $(eth_sum "$NS_B" "$IF_B" "$_re")))
	check "$_f-armed" netvsp_ctl "$_f" "$_n"
	ping_lost "$NS_A" "$B4" 20 >/dev/null
	ping_lost "$NS_B" "$A6" 20 >/dev/null
	# TCP retransmits what a fault cost: the transfer still arrives whole.
	check "$_f-tcp-survives" tcp_xfer "$NS_A" "$NS_B" "$B4" 2
	_c1=$(($(eth_sum "$NS_A" "$IF_A" "$_re") + $(eth_sum "$NS_B" "$IF_B" "$_re")))
	echo "INFO: $_f $_n: $_re $_c0 -> $_c1; err_* now $(err_sum)"
	check "$_f-counted" test "$_c1" -ge $((_c0 + 1))
	check "$_f-no-hang-ping4" ping_sizes "$NS_A" "$B4" "64 1500 9000"
	check "$_f-no-hang-ping6" ping_sizes "$NS_B" "$A6" "64 1500"
	check "$_f-no-hang-udp" udp_xfer "$NS_A" "$NS_B" "$B4" 500 1000
	check "$_f-carrier" wait_carrier "$NS_A" "$IF_A" 5
	check "$_f-no-violations" violations_zero
}

fault_case malformed 3 '^err_bad_(host_msg|packet|control|rndis)$'
fault_case ppi0 3 '^err_bad_ppi$'
fault_case badrange 3 '^err_bad_xfer$'
fault_case badpageset 3 '^err_bad_xfer$'
fault_case drop-send 3 '^(tx_drops|err_bad_completion)$'
fault_case dup-send 3 '^err_bad_completion$'
if [ "$QUICK" = 0 ]; then
	# Many at once, under a running stream.
	burst() {
		for f in malformed ppi0 badrange badpageset dup-send; do
			netvsp_ctl "$f" 5 || return 1
			sleep 0.5
		done
	}
	check fault-burst-under-traffic under_traffic 10 burst
fi
sed 's/^/INFO: netvsp: /' "$NETVSP" 2>/dev/null | head -n 20
in_ns "$NS_A" ethtool -S "$IF_A" | grep -E 'err_|drops' | tr -s ' ' | tr '\n' ' ' | sed 's/^/INFO: A /'
echo
net_healthy after-faults
check teardown net_teardown
check no-violations violations_zero
check log-clean log_clean_since netvsc-faults
finish
