#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the logs of one test-VM boot into PASS/FAIL lines (tests/run.sh).

Inputs: the result channel (the harness's output, ttyS1), the console log
(kernel messages, ttyS0) and how QEMU ended.  Prints one line per result:
    PASS: <prefix>/<what>
    FAIL: <prefix>/<what>: <why>
    SKIP: <prefix>/<what>...        (not counted)
and exits 1 if any FAIL was printed or no result at all, else 0.
The protocol is described in tests/guest-init.sh.
"""

import argparse
import re
import sys

BAD = re.compile(r'BUG:|WARNING:|Oops|Call Trace|KASAN|possible circular locking'
                 r'|general protection|Kernel panic|possible recursive locking'
                 r'|inconsistent lock state|suspicious RCU usage|UBSAN:'
                 r'|hung_task|blocked for more than|soft lockup|hard LOCKUP'
                 r'|kernel BUG|refcount_t:|list_add corruption|list_del corruption')
RESULT = re.compile(r'^(PASS|FAIL|SKIP): ?(.*)$')


def read_lines(path):
    try:
        with open(path, 'rb') as f:
            data = f.read()
    except FileNotFoundError:
        return []
    text = data.decode('utf-8', errors='backslashreplace')
    return [l.rstrip('\r') for l in text.replace('\r\n', '\n').split('\n')]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--results', required=True)
    ap.add_argument('--console', required=True)
    ap.add_argument('--qemu-rc', type=int, required=True)
    ap.add_argument('--timeout', type=int, default=0)
    ap.add_argument('--dmesg-out')
    ap.add_argument('--prefix', default='integration')
    args = ap.parse_args()
    pre = args.prefix

    res = read_lines(args.results)
    con = read_lines(args.console)
    # The result channel falls back to the console when the guest has no
    # second serial port; then both are the same log.
    if not any(l.startswith('HARNESS: start') for l in res):
        if any('HARNESS: start' in l for l in con):
            res = [l[l.index('HARNESS: '):] if 'HARNESS: ' in l else l for l in con]

    out = []          # (status, name, why)

    def emit(status, name, why=''):
        out.append((status, name, why))

    tests = []        # names, from "HARNESS: start"
    started = set()
    finished = {}     # name -> ('exit', rc) / ('timeout', secs)
    results_of = {}   # name -> [(status, what, why)]
    expect_poweroff = None   # test that printed EXPECT-POWEROFF
    done_after_expect = False
    current = None
    harness_started = harness_done = False
    dmesg = []
    in_dmesg = False

    for line in res:
        if in_dmesg:
            if line.startswith('HARNESS: dmesg-end'):
                in_dmesg = False
            else:
                dmesg.append(line)
            continue
        # A test's leftover may have left half a line before ours.
        if 'HARNESS: ' in line and not line.startswith('HARNESS: '):
            line = line[line.index('HARNESS: '):]
        if line.startswith('HARNESS: '):
            words = line.split()
            cmd = words[1] if len(words) > 1 else ''
            if cmd == 'start':
                harness_started = True
                if 'tests:' in words:
                    tests = words[words.index('tests:') + 1:]
            elif cmd == 'running' and len(words) > 2:
                current = words[2]
                started.add(current)
                results_of.setdefault(current, [])
            elif cmd == 'exit' and len(words) > 3:
                finished[words[2]] = ('exit', int(words[3]) if words[3].isdigit() else -1)
                current = None
            elif cmd == 'timeout' and len(words) > 3:
                finished[words[2]] = ('timeout', words[3])
                current = None
            elif cmd == 'dmesg-begin':
                in_dmesg = True
            elif cmd == 'done':
                harness_done = True
                if expect_poweroff:
                    done_after_expect = True
            continue
        if line.strip() == 'EXPECT-POWEROFF':
            expect_poweroff = current or '?'
            continue
        m = RESULT.match(line)
        if m and current:
            what, why = m.group(2), ''
            if m.group(1) == 'FAIL' and ': ' in what:
                what, why = what.split(': ', 1)
            results_of[current].append((m.group(1), what.strip() or current, why))

    if args.dmesg_out:
        with open(args.dmesg_out, 'w') as f:
            f.write('\n'.join(dmesg) + ('\n' if dmesg else ''))

    powered_down = any('reboot: Power down' in l for l in con)
    panicked = next((l.strip() for l in con if 'Kernel panic' in l), None)
    timed_out = args.qemu_rc in (124, 137)

    def death_reason():
        if panicked:
            return panicked[:160]
        if timed_out:
            return f'QEMU killed after the {args.timeout} s timeout (guest hung?)'
        if args.qemu_rc != 0:
            return f'QEMU exited with status {args.qemu_rc}'
        if powered_down:
            return 'guest powered off unexpectedly'
        return 'guest stopped without finishing'

    # Per test: its own lines, then what the harness saw.
    for name in tests or sorted(started):
        lines = results_of.get(name, [])
        for status, what, why in lines:
            emit(status, what, why)
        n_fail = sum(1 for s, _, _ in lines if s == 'FAIL')
        n_pass = sum(1 for s, _, _ in lines if s == 'PASS')
        n_skip = sum(1 for s, _, _ in lines if s == 'SKIP')
        fin = finished.get(name)
        if name == expect_poweroff and fin is None:
            if done_after_expect:
                emit('FAIL', f'{name}/poweroff', 'harness finished: no power-off')
            elif powered_down and args.qemu_rc == 0 and not panicked:
                emit('PASS', f'{name}/poweroff')
            else:
                emit('FAIL', f'{name}/poweroff', 'no clean power-off: ' + death_reason())
            continue
        if name not in started:
            emit('FAIL', name, 'not run: ' + death_reason())
            continue
        if fin is None:
            emit('FAIL', name, 'guest died or hung during this test: ' + death_reason())
            continue
        if fin[0] == 'timeout':
            emit('FAIL', name, f'timed out after {fin[1]} s')
            continue
        rc = fin[1]
        if name == expect_poweroff:
            emit('FAIL', f'{name}/poweroff', f'test exited ({rc}) instead of the guest powering off')
        elif rc != 0 and n_fail == 0:
            emit('FAIL', name, f'exit status {rc}')
        elif n_pass + n_fail + n_skip == 0:
            emit('FAIL', name, 'no PASS/FAIL line printed')

    if not harness_started:
        emit('FAIL', 'harness', 'the guest never started the tests: ' + death_reason())
    elif not harness_done and expect_poweroff is None and not any(
            n not in finished for n in (tests or started)):
        emit('FAIL', 'harness', 'did not finish: ' + death_reason())

    # Kernel trouble anywhere: on the console, or in the final dmesg.
    hits = [l.strip() for l in con + dmesg if BAD.search(l)]
    if hits:
        emit('FAIL', 'kernel-log', hits[0][:200])
    elif harness_started or con:
        emit('PASS', 'kernel-log')

    n_pass = n_fail = 0
    for status, name, why in out:
        line = f'{status}: {pre}/{name}'
        if why:
            line += f': {why}'
        print(line)
        n_pass += status == 'PASS'
        n_fail += status == 'FAIL'
    return 1 if n_fail or not n_pass else 0


if __name__ == '__main__':
    sys.exit(main())
