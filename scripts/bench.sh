#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/bench.sh  (= make bench; not part of make check)
#
# Placeholder: no benchmark is implemented yet, so no number is printed.
set -euo pipefail

cat <<'TXT'
make bench: not implemented yet.  It will measure, in the QEMU/TCG test VM
against the simulated host (vmbus_sim), each run several times and reported
as median and spread:
  - VMBus ring buffer: packets/s and MB/s guest->host and host->guest
    (in-kernel loop over the channel API), by packet size
  - hv_netvsc over the simulated host: TCP throughput with iperf3
  - hv_storvsc over the simulated host: 4 KiB random read/write IOPS and
    sequential MB/s with fio
  - channel open/close and device hot-add/remove latency
TCG makes absolute numbers meaningless for real hardware: they are only for
comparing revisions of this suite on the same machine.
TXT
exit 0
