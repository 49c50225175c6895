#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/dkms-check.sh KVER: build the suite through DKMS for kernel KVER,
# in private source and DKMS trees (nothing is installed on the system),
# and check that every module dkms.conf names was built.
set -euo pipefail

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

kver=${1:?usage: $0 KVER}
command -v dkms >/dev/null || hv_die "dkms not installed (scripts/deps.sh check)"
name=$(sed -n 's/^PACKAGE_NAME="\(.*\)"/\1/p' "$HV_REPO/dkms.conf")
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$HV_REPO/dkms.conf")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
src=$tmp/src/$name-$ver
mkdir -p "$src" "$tmp/dkms"
# The sources as committed or about to be, without build products.
git -C "$HV_REPO" ls-files -z --cached --others --exclude-standard |
	(cd "$HV_REPO" && xargs -0 cp --parents -t "$src")

opts=(--sourcetree "$tmp/src" --dkmstree "$tmp/dkms")
dkms add -m "$name" -v "$ver" "${opts[@]}"
dkms build -m "$name" -v "$ver" -k "$kver" "${opts[@]}"
built=$tmp/dkms/$name/$ver/$kver/$(uname -m)/module
missing=0
for m in $(sed -n 's/^BUILT_MODULE_NAME\[[0-9]*\]="\(.*\)"/\1/p' "$HV_REPO/dkms.conf"); do
	if ls "$built/$m.ko"* >/dev/null 2>&1; then
		echo "dkms built $m for $kver"
	else
		echo "dkms did not build $m for $kver"
		missing=1
	fi
done
exit "$missing"
