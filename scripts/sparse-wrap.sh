#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# CHECK= wrapper around sparse for scripts/check.sh: tags every line sparse
# prints with "SPARSE: " so that its warnings can be told apart from the
# compiler's in the make log.  Exit status is sparse's.
set -uo pipefail
out=$(sparse "$@" 2>&1)
rc=$?
if [ -n "$out" ]; then
	printf '%s\n' "$out" | sed 's/^/SPARSE: /' >&2
fi
exit "$rc"
