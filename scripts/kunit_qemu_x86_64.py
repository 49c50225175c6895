# SPDX-License-Identifier: GPL-2.0
#
# kunit.py --qemu_config for scripts/kunit.sh: x86_64 under QEMU with TCG
# only (never KVM), 2 vCPUs so the tests see real concurrency, and a
# kernel that panics instead of hanging when something goes wrong.
# kunit.py loads this file as if it lived in tools/testing/kunit/qemu_configs.

from ..qemu_config import QemuArchParams

# la57=off: with 5-level paging TCG once showed a KASAN report during early
# boot, before any test ran (1 boot in ~35); never with 4-level paging.
QEMU_ARCH = QemuArchParams(linux_arch='x86_64',
			   kconfig='''
CONFIG_SERIAL_8250=y
CONFIG_SERIAL_8250_CONSOLE=y''',
			   qemu_arch='x86_64',
			   kernel_path='arch/x86/boot/bzImage',
			   kernel_command_line='console=ttyS0 panic=-1 oops=panic',
			   extra_qemu_params=['-accel', 'tcg', '-cpu', 'max,la57=off',
					      '-smp', '2', '-bios', 'qboot.rom'])
