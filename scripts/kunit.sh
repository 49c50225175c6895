#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/kunit.sh [filter_glob]
#
# Build a KUnit kernel from linux-source-6.1 with this suite built in (as
# drivers/hv_suite) and run it under QEMU (TCG, x86_64) with kunit.py.
# Prints one line per test case:
#   PASS: kunit/<suite>.<case>     FAIL: kunit/<suite>.<case>: <why>
# plus FAIL: kunit/build, FAIL: kunit/boot or FAIL: kunit/kernel-log when
# something outside a test case goes wrong, or "SKIP: kunit (no suites)"
# when there are no KUnit tests yet.  Exit status 0 iff nothing failed.
#
# Trees (reused across runs; "rm -rf build/kunit" starts afresh):
#   build/kunit/linux   hard-linked copy of /usr/src/linux-source-6.1 with
#                       drivers/hv_suite = rsync of our sources
#   build/kunit/out     kunit.py --build_dir (O=)
# Environment: KUNIT_TIMEOUT (s, default 600), KUNIT_JOBS (default nproc),
#   KUNITCONFIG (default kunit/.kunitconfig).
set -euo pipefail

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

filter_glob=${1:-}
src=$HV_LINUX_SRC
top=$HV_BUILD/kunit
tree=$top/linux
out=$top/out
logs=$HV_LOGS
timeout=${KUNIT_TIMEOUT:-600}
jobs=${KUNIT_JOBS:-$(nproc)}
mkdir -p "$top" "$logs"

kunit_py=$tree/tools/testing/kunit/kunit.py
# Under "make check", do not hand the outer make's flags and variables
# (jobserver, W=1, KDIR=...) down to the kernel build.
unset MAKEFLAGS MAKELEVEL MFLAGS MAKEOVERRIDES

[ -f "$src/tools/testing/kunit/kunit.py" ] ||
	hv_die "$src/tools/testing/kunit/kunit.py not found (run scripts/deps.sh check)"

# Any KUnit tests at all?  Without a kunit/Kbuild (or Makefile) and a .c
# file there is nothing to build: that is not a failure.
shopt -s nullglob
kunit_c=("$HV_REPO"/kunit/*.c)
shopt -u nullglob
if [ "${#kunit_c[@]}" -eq 0 ] ||
   { [ ! -f "$HV_REPO/kunit/Kbuild" ] && [ ! -f "$HV_REPO/kunit/Makefile" ]; }; then
	echo "SKIP: kunit (no suites)"
	exit 0
fi

# 1. The kernel tree: a hard-linked copy (cheap; same inodes as /usr/src) of
#    the pristine source.  Files we change are replaced, never edited in
#    place, so the shared inodes of /usr/src stay untouched.
stamp="$src $(stat -c %Y "$src/Makefile")"
if [ ! -f "$tree/.hv-suite-tree" ] || [ "$(cat "$tree/.hv-suite-tree")" != "$stamp" ]; then
	hv_note "creating $tree from $src"
	rm -rf "$tree" "$tree.tmp"
	if ! cp -al "$src" "$tree.tmp" 2>/dev/null; then
		rm -rf "$tree.tmp"
		hv_note "hard links impossible (other file system?): copying"
		cp -a "$src" "$tree.tmp"
	fi
	[ ! -e "$tree.tmp/.config" ] || hv_die "$src is not clean (.config exists): make mrproper there"
	mv "$tree.tmp" "$tree"
	echo "$stamp" >"$tree/.hv-suite-tree"
fi

# replace_append FILE LINE: append LINE to FILE unless present, writing a
# new file (breaking the hard link) instead of editing in place.
replace_append() {
	local f=$1 line=$2
	grep -qxF "$line" "$f" && return 0
	cp "$f" "$f.hv-new"
	printf '%s\n' "$line" >>"$f.hv-new"
	mv -f "$f.hv-new" "$f"
}
replace_append "$tree/drivers/Kconfig" 'source "drivers/hv_suite/Kconfig"'
replace_append "$tree/drivers/Makefile" 'obj-y += hv_suite/'

# 2. Our sources, refreshed every run.  A copy (not a symlink to the repo)
#    so that objects of an out-of-tree "make" in the repo are never seen by
#    this O= build (kbuild's VPATH would pick them up), and so that the tree
#    cannot loop back into build/.
dst=$tree/drivers/hv_suite
mkdir -p "$dst"
# rsync: the first matching rule wins, so build products are excluded
# before the source directories are included.
rsync -a --delete --prune-empty-dirs \
	--exclude='*.o' --exclude='*.ko' --exclude='*.mod' --exclude='*.mod.c' \
	--exclude='.*.cmd' --exclude='*.cmd' --exclude='modules.order' \
	--exclude='Module.symvers' --exclude='*.a' --exclude='*.o.d' \
	--exclude='*.dwo' --exclude='.*.d' \
	--include='/Kbuild' --include='/Kconfig' \
	--include='/drivers/***' --include='/include/***' \
	--include='/kunit/***' --include='/sim/***' --exclude='/*' \
	"$HV_REPO/" "$dst/"

# 3. The kunitconfig.
kunitconfig=${KUNITCONFIG:-$HV_REPO/kunit/.kunitconfig}
if [ ! -f "$kunitconfig" ]; then
	kunitconfig=$top/default.kunitconfig
	hv_note "kunit/.kunitconfig missing: using $kunitconfig"
	cat >"$kunitconfig" <<'EOF'
CONFIG_KUNIT=y
CONFIG_PCI=y
CONFIG_ACPI=y
CONFIG_HV_SUITE_VMBUS=y
CONFIG_HV_SUITE_KUNIT_TEST=y
CONFIG_DEBUG_KERNEL=y
CONFIG_KASAN=y
CONFIG_KASAN_GENERIC=y
CONFIG_KASAN_INLINE=y
CONFIG_PROVE_LOCKING=y
CONFIG_DEBUG_ATOMIC_SLEEP=y
EOF
fi

# kunit.py changes into the tree it lives in.
run_kunit() {
	(python3 "$kunit_py" "$@" \
		--arch=x86_64 \
		--qemu_config="$HV_REPO/scripts/kunit_qemu_x86_64.py" \
		--kunitconfig="$kunitconfig" \
		--build_dir="$out")
}

# 4. Configure and build.  kunit.py rewrites .config only when the
#    kunitconfig changed, so a rerun rebuilds only what changed.
t0=$(hv_now)
hv_note "kunit: building (log: $logs/kunit-build.log)"
if ! run_kunit build --jobs="$jobs" >"$logs/kunit-build.log" 2>&1 </dev/null; then
	grep -E 'error:|Error [0-9]|ERROR|Missing:' "$logs/kunit-build.log" | head -n 20 >&2 || true
	echo "FAIL: kunit/build: see build/logs/kunit-build.log"
	exit 1
fi
hv_note "kunit: build took $(hv_elapsed "$t0")"

# 5. Boot and run the tests.  kunit.py enforces the timeout; the outer
#    timeout only catches kunit.py itself hanging.
t0=$(hv_now)
rm -f "$out/test.log"
hv_note "kunit: running (log: $logs/kunit-run.log)"
rc=0
timeout -k 10 $((timeout + 60)) python3 "$kunit_py" exec \
	--arch=x86_64 \
	--qemu_config="$HV_REPO/scripts/kunit_qemu_x86_64.py" \
	--kunitconfig="$kunitconfig" --build_dir="$out" \
	--timeout="$timeout" ${filter_glob:+"$filter_glob"} \
	>"$logs/kunit-run.log" 2>&1 </dev/null || rc=$?
hv_note "kunit: run took $(hv_elapsed "$t0") (kunit.py exit $rc)"
[ -f "$out/test.log" ] && cp "$out/test.log" "$logs/kunit-console.log"

# 6. One line per test case, from the raw kernel log, with kunit.py's own
#    KTAP parser (the same one kunit.py used for its summary).
python3 - "$tree/tools/testing/kunit" "$out/test.log" "$rc" <<'PYEOF'
import io, os, re, sys, contextlib
sys.path.insert(0, sys.argv[1])

log_path, kunit_rc = sys.argv[2], int(sys.argv[3])
lines = []
if os.path.exists(log_path):
    with open(log_path, errors='backslashreplace') as f:
        lines = f.read().splitlines()

# kunit_parser prints its own summary on the stdout it finds at import time:
# silence it (kunit.py printed the same into kunit-run.log already).
with contextlib.redirect_stdout(io.StringIO()):
    import kunit_parser
    from kunit_parser import TestStatus
    root = kunit_parser.parse_run_tests(lines)

passed = failed = 0
def report(ok, name, why=''):
    global passed, failed
    if ok:
        passed += 1
        print(f'PASS: kunit/{name}')
    else:
        failed += 1
        print(f'FAIL: kunit/{name}' + (f': {why}' if why else ''))

# Kernel-level trouble that KUnit itself does not turn into a failure (in
# 6.1 a KASAN report or a WARN() in a test case leaves the case "ok"): each
# such line fails the case during which it was printed.
bad = re.compile(r'BUG:|WARNING:|Oops|Call Trace|KASAN|possible circular locking|'
                 r'general protection|Kernel panic|possible recursive locking|'
                 r'inconsistent lock state|suspicious RCU usage|UBSAN:|'
                 r'kernel BUG|refcount_t:|list_add corruption|list_del corruption')
stamp = re.compile(r'^\[\s*\d+\.\d+\]\s?')
subtest = re.compile(r'^(\s*)# Subtest: (\S+)')
result = re.compile(r'^(\s*)(not )?ok \d+ (?:- )?(\S+)')
hits_of = {}        # "suite.case" -> first bad line
loose_hits = []     # bad lines outside any test case
pending = []
suite_name = None
for raw in lines:
    line = stamp.sub('', raw)
    m = subtest.match(line)
    if m and len(m.group(1)) == 0:
        suite_name = m.group(2)
        continue
    if m and len(m.group(1)) == 4:
        suite_name = m.group(2)
        continue
    m = result.match(line)
    if m and len(m.group(1)) == 4 and suite_name:
        if pending:
            hits_of[f'{suite_name}.{m.group(3)}'] = pending[0]
            pending = []
        continue
    if m and len(m.group(1)) == 0:
        loose_hits.extend(pending)
        pending = []
        continue
    if bad.search(line):
        pending.append(line.strip()[:200])
crash_hits = pending

why_map = {
    TestStatus.FAILURE: 'failed',
    TestStatus.TEST_CRASHED: 'crashed (kernel died or output ended)',
    TestStatus.NO_TESTS: 'no test ran',
    TestStatus.FAILURE_TO_PARSE_TESTS: 'could not parse KTAP output',
}
skipped = 0
for suite in root.subtests:
    if not suite.subtests:
        report(suite.status in (TestStatus.SUCCESS, TestStatus.SKIPPED),
               suite.name, why_map.get(suite.status, str(suite.status)))
        continue
    for i, case in enumerate(suite.subtests):
        name = f'{suite.name}.{case.name or "case%d" % (i + 1)}'
        hit = hits_of.get(name)
        if case.status == TestStatus.TEST_CRASHED and crash_hits:
            hit = crash_hits.pop(0)
            crash_hits.clear()
        if case.status == TestStatus.SKIPPED and not hit:
            skipped += 1
            print(f'SKIP: kunit/{name}')
            continue
        why = why_map.get(case.status, str(case.status))
        if hit:
            why = (why + '; ' if case.status != TestStatus.SUCCESS else '') + 'kernel log: ' + hit
        report(case.status == TestStatus.SUCCESS and not hit, name, why)

# Trouble outside every test case (boot, between suites, a crash that the
# parser did not tie to a case).
loose_hits += crash_hits
if passed + failed > 0 or loose_hits:
    if loose_hits:
        report(False, 'kernel-log', loose_hits[0])
    else:
        report(True, 'kernel-log')

if passed + failed == 0 and skipped == 0:
    if not lines:
        print('FAIL: kunit/boot: no kernel output (kunit.py exit %d)' % kunit_rc)
        sys.exit(1)
    if root.status == TestStatus.NO_TESTS or not root.subtests:
        print('SKIP: kunit (no suites)')
        sys.exit(0)
    print('FAIL: kunit/boot: no test results (kunit.py exit %d)' % kunit_rc)
    sys.exit(1)
sys.exit(1 if failed else 0)
PYEOF
