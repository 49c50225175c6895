#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/check.sh  (= make check; = .ci/run)
#
# Every test of the suite, in order:
#   deps         scripts/deps.sh check                        1 test
#   build        make W=1, no warning from our files           1 test
#   sparse       make W=1 C=2, no sparse warning/error          1 test
#   checkpatch   checkpatch.pl --strict on our *.c / *.h        1 test
#                (tests/tools/*.c, the guest's static tools, too)
#   dkms         dkms add + build through dkms.conf             1 test
#   kunit        scripts/kunit.sh: one test per KUnit case
#   integration  tests/run.sh: one test per guest result line
#   smp          tests/run.sh with 1 and with 4 vCPUs, the storage test
#                only (short fio): one test per guest result line
#   net          NOT in the default steps (until the synthetic NIC lands):
#                tests/guest-net/ (our hv_netvsc on the simulated NICs)
#                with 2 vCPUs, then quick (hvtest.quick) with 1 and 4:
#                one test per guest result line.  CHECK_STEPS=net make check
# Prints "PASS: <test>" / "FAIL: <test>[: why]" lines (SKIP: lines are not
# counted), the tail of the log of a failing step, and at the very end one
# line "N passed, N failed".  Exit status 0 iff nothing failed and at least
# one test ran.  Full logs: build/logs/.
#
# Environment: CHECK_STEPS="build sparse ..." runs only those steps
# (default: all); KVER selects the Debian kernel.
set -euo pipefail

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

cd "$HV_REPO"
mkdir -p "$HV_LOGS"
steps=${CHECK_STEPS:-deps build sparse checkpatch dkms kunit integration smp}
passed=0
failed=0
t_all=$(hv_now)
timings=()

want() {
	[[ " $steps " == *" $1 "* ]]
}

pass() {
	echo "PASS: $*"
	passed=$((passed + 1))
}

fail() {
	echo "FAIL: $*"
	failed=$((failed + 1))
}

# show_tail LOG: the end of a failing step's log.
show_tail() {
	echo "----- last ${2:-30} lines of ${1#"$HV_REPO"/} -----"
	tail -n "${2:-30}" "$1" | sed 's/^/| /'
	echo "-----"
}

# count_lines LOG: echo and count the PASS/FAIL/SKIP lines a sub-script
# printed; returns 1 if it printed a FAIL line.
count_lines() {
	local line any_fail=0
	while IFS= read -r line; do
		case $line in
		"PASS: "*) echo "$line"; passed=$((passed + 1)) ;;
		"FAIL: "*) echo "$line"; failed=$((failed + 1)); any_fail=1 ;;
		"SKIP: "*) echo "$line" ;;
		esac
	done <"$1"
	return "$any_fail"
}

step_done() {
	timings+=("$1 $(hv_elapsed "$2")")
}

kver=
kdir=

# --- deps ----------------------------------------------------------------
if want deps; then
	t0=$(hv_now)
	log=$HV_LOGS/deps.log
	if "$HV_REPO/scripts/deps.sh" check >"$log" 2>&1 </dev/null; then
		pass deps
	else
		fail "deps: scripts/deps.sh check failed"
		show_tail "$log"
	fi
	step_done deps "$t0"
fi
kver=$( (hv_kver) 2>/dev/null) || kver=
if [ -n "$kver" ]; then
	kdir=/lib/modules/$kver/build
else
	echo "note: no Debian kernel with headers found: build steps will fail"
fi

# Files of ours in compiler/sparse output: absolute paths under the repo
# (kbuild is run with M=<repo>), or repo-relative ones.
ours_re="^(${HV_REPO//./\\.}/|(\\./)?(drivers|sim|include|kunit)/)"

# --- build ---------------------------------------------------------------
build_ok=0
if want build; then
	t0=$(hv_now)
	log=$HV_LOGS/build.log
	if [ -z "$kdir" ]; then
		fail "build: no kernel build tree (linux-headers-amd64)"
	elif ! make -C "$HV_REPO" KDIR="$kdir" W=1 >"$log" 2>&1; then
		fail "build: make W=1 failed"
		grep -E 'error:|Error [0-9]' "$log" | head -n 20 || true
		show_tail "$log"
	elif warn=$(grep -E "${ours_re}[^:]*:[0-9]+(:[0-9]+)?: warning:|^WARNING: modpost:" "$log"); then
		fail "build: $(printf '%s\n' "$warn" | wc -l) warning(s)"
		printf '%s\n' "$warn" | head -n 30
		show_tail "$log"
	else
		if other=$(grep -E 'warning:' "$log"); then
			echo "note: warnings outside our files (not counted):"
			printf '%s\n' "$other" | head -n 10
		fi
		pass build
		build_ok=1
	fi
	step_done build "$t0"
fi

# --- sparse --------------------------------------------------------------
# Same W=1 flags as the build step, so nothing is recompiled: C=2 runs
# sparse on every source.  sparse's own lines are tagged by a wrapper so
# that compiler warnings (the build step's business) are not counted.
if want sparse; then
	t0=$(hv_now)
	log=$HV_LOGS/sparse.log
	if [ -z "$kdir" ]; then
		fail "sparse: no kernel build tree"
	elif ! command -v sparse >/dev/null; then
		fail "sparse: sparse not installed (scripts/deps.sh check)"
	else
		rc=0
		make -C "$HV_REPO" KDIR="$kdir" W=1 C=2 \
			CHECK="$HV_REPO/scripts/sparse-wrap.sh" >"$log" 2>&1 || rc=$?
		sp=$(grep -E "^SPARSE: .*: (warning|error):" "$log" | sed 's/^SPARSE: //' |
			grep -E "$ours_re" || true)
		n_checked=$(grep -c '^  CHECK ' "$log" || true)
		if [ -n "$sp" ]; then
			fail "sparse: $(printf '%s\n' "$sp" | wc -l) warning(s)/error(s)"
			printf '%s\n' "$sp" | head -n 30
		elif [ "$rc" != 0 ]; then
			if [ "$build_ok" = 1 ]; then
				fail "sparse: make C=2 failed"
				show_tail "$log"
			else
				fail "sparse: not run: the build fails"
			fi
		elif [ "$n_checked" = 0 ]; then
			fail "sparse: no file was checked"
			show_tail "$log"
		else
			pass "sparse"
		fi
	fi
	step_done sparse "$t0"
fi

# --- dkms ----------------------------------------------------------------
# The out-of-tree build distributions use: dkms.conf, through dkms itself.
if want dkms; then
	t0=$(hv_now)
	log=$HV_LOGS/dkms.log
	if [ -z "$kver" ]; then
		fail "dkms: no kernel build tree"
	elif "$HV_REPO/scripts/dkms-check.sh" "$kver" >"$log" 2>&1 </dev/null; then
		pass "dkms ($kver)"
	else
		fail "dkms: build through dkms.conf failed"
		show_tail "$log"
	fi
	step_done dkms "$t0"
fi

# --- checkpatch ----------------------------------------------------------
if want checkpatch; then
	t0=$(hv_now)
	log=$HV_LOGS/checkpatch.log
	cp_pl=$HV_LINUX_SRC/scripts/checkpatch.pl
	files=()
	if git -C "$HV_REPO" rev-parse --git-dir >/dev/null 2>&1; then
		# Tracked files, plus new ones not yet committed (not ignored).
		while IFS= read -r -d '' f; do
			[ -f "$f" ] && files+=("$f")
		done < <(git -C "$HV_REPO" ls-files -z --cached --others --exclude-standard \
			-- 'drivers/*.[ch]' 'sim/*.[ch]' 'include/*.[ch]' 'kunit/*.[ch]' \
			'tests/modules/*.[ch]' 'tests/tools/*.[ch]' |
			sort -zu)
	else
		while IFS= read -r -d '' f; do
			files+=("${f#./}")
		done < <(find drivers sim include kunit tests/modules tests/tools -name '*.[ch]' -print0 2>/dev/null | sort -z)
	fi
	if [ ! -f "$cp_pl" ]; then
		fail "checkpatch: $cp_pl missing (scripts/deps.sh check)"
	elif [ "${#files[@]}" -eq 0 ]; then
		echo "SKIP: checkpatch (no *.c/*.h files yet)"
	else
		# --no-tree: no kernel tree around; spelling.txt etc. are found
		# next to checkpatch.pl.  Without a tree checkpatch cannot learn
		# the kernel's own CamelCase names (struct Scsi_Host), so that
		# one check is off; none of our identifiers is CamelCase.
		perl "$cp_pl" --strict --no-tree --terse --show-types --no-summary \
			--ignore CAMELCASE \
			--color=never -f "${files[@]}" >"$log" 2>&1 || true
		if bad=$(grep -E ': (ERROR|WARNING|CHECK):' "$log"); then
			fail "checkpatch: $(printf '%s\n' "$bad" | wc -l) issue(s) in ${#files[@]} file(s)"
			printf '%s\n' "$bad" | head -n 40
		elif grep -qiE '^(Can.t|Unknown|Died|.* at .*checkpatch.pl line)' "$log"; then
			fail "checkpatch: checkpatch.pl itself failed"
			show_tail "$log"
		else
			pass "checkpatch (${#files[@]} files)"
		fi
	fi
	step_done checkpatch "$t0"
fi

# --- kunit ---------------------------------------------------------------
if want kunit; then
	t0=$(hv_now)
	log=$HV_LOGS/kunit.log
	rc=0
	# Results on stdout, progress and diagnostics on stderr.
	"$HV_REPO/scripts/kunit.sh" >"$log.results" 2>"$log" </dev/null || rc=$?
	if ! count_lines "$log.results"; then
		show_tail "$log" 20
	elif [ "$rc" != 0 ]; then
		fail "kunit: scripts/kunit.sh exited $rc"
		show_tail "$log"
	fi
	step_done kunit "$t0"
fi

# --- integration ----------------------------------------------------------
if want integration; then
	t0=$(hv_now)
	log=$HV_LOGS/integration.log
	rc=0
	HV_MAKE_ARGS="W=1" "$HV_REPO/tests/run.sh" >"$log.results" 2>"$log" </dev/null || rc=$?
	if ! count_lines "$log.results"; then
		show_tail "$log" 60
	elif [ "$rc" != 0 ]; then
		fail "integration: tests/run.sh exited $rc"
		show_tail "$log"
	fi
	step_done integration "$t0"
fi

# --- smp: other vCPU counts ------------------------------------------------
if want smp; then
	t0=$(hv_now)
	for n in 1 4; do
		log=$HV_LOGS/smp$n.log
		rc=0
		HV_SMP=$n HV_BUILD=$HV_BUILD/smp$n HV_RESULT_PREFIX=smp$n \
			HV_KERNEL_ARGS="hvtest.quick" \
			"$HV_REPO/tests/run.sh" --no-build 80-storvsc \
			>"$log.results" 2>"$log" </dev/null || rc=$?
		if ! count_lines "$log.results"; then
			show_tail "$log" 60
		elif [ "$rc" != 0 ]; then
			fail "smp$n: tests/run.sh exited $rc"
			show_tail "$log"
		fi
	done
	step_done smp "$t0"
fi

# --- net: the synthetic-NIC tests (opt-in, see the header) ------------------
if want net; then
	t0=$(hv_now)
	for n in 2 1 4; do
		log=$HV_LOGS/net$n.log
		rc=0
		args=(--no-build)
		kargs=hvtest.quick
		if [ "$n" = 2 ]; then
			args=()
			kargs=
		fi
		HV_SMP=$n HV_BUILD=$HV_BUILD/net$n HV_RESULT_PREFIX=net$n \
			HV_TESTS_DIR=$HV_REPO/tests/guest-net HV_MAKE_ARGS="W=1" \
			HV_KERNEL_ARGS="$kargs" HV_QEMU_TIMEOUT=${HV_NET_TIMEOUT:-2700} \
			"$HV_REPO/tests/run.sh" "${args[@]}" \
			>"$log.results" 2>"$log" </dev/null || rc=$?
		if ! count_lines "$log.results"; then
			show_tail "$log" 60
		elif [ "$rc" != 0 ]; then
			fail "net$n: tests/run.sh exited $rc"
			show_tail "$log"
		fi
	done
	step_done net "$t0"
fi

echo "timings: ${timings[*]/%/,} total $(hv_elapsed "$t_all")"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
