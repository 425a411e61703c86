#!/usr/bin/env bash
# Builds a small multi-layer OCI image (no Docker) into an OCI layout, for the demo and the system tests.
#   infra/sample-image.sh LAYOUT_DIR TAG [MIB]
# With MIB, a fourth layer holds that many MiB of random data: an image whose conversion takes a
# while, for tests that act while it runs.
# Every call makes fresh random content, so two images never share a layer by accident and skopeo's
# blob-info cache cannot substitute a variant it pushed before (RECIPES.md §4).
# Layers: (1) a base tree with a script, a symlink and a 256 KiB random file; (2) a changed file, a
# whiteout and an opaque directory; (3) a new file. Tars are GNU tar + 'umoci raw add-layer', never
# 'umoci insert' (it writes truncated tars).
set -euo pipefail
[ $# -eq 2 ] || [ $# -eq 3 ] || { echo "usage: $0 LAYOUT_DIR TAG [MIB]" >&2; exit 2; }
LAYOUT=$1 TAG=$2 MIB=${3:-0}
[[ $MIB =~ ^[0-9]{1,5}$ ]] || { echo "MIB must be a number" >&2; exit 2; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

mktar() { # names without a "./" prefix; the names here have no spaces
  # shellcheck disable=SC2046
  tar --format=pax --pax-option=delete=atime,delete=ctime --numeric-owner --owner=0 --group=0 \
    --sort=name --mtime='2024-01-01 00:00:00Z' -C "$1" -cf "$2" $(cd "$1" && ls -A)
}

mkdir -p "$WORK/l1/etc" "$WORK/l1/usr/bin" "$WORK/l1/opt/app" "$WORK/l1/data"
echo "sample image $TAG" > "$WORK/l1/etc/motd"
echo "removed in layer 2" > "$WORK/l1/etc/remove-me"
printf '#!/bin/sh\necho hello from the sample image\n' > "$WORK/l1/usr/bin/hello"
chmod 755 "$WORK/l1/usr/bin/hello"
ln -s ../etc/motd "$WORK/l1/opt/motd-link"
echo old > "$WORK/l1/opt/app/old"
head -c 262144 /dev/urandom > "$WORK/l1/data/random.bin"

mkdir -p "$WORK/l2/etc" "$WORK/l2/opt/app"
echo "layer 2 motd $(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')" > "$WORK/l2/etc/motd"
: > "$WORK/l2/etc/.wh.remove-me"
: > "$WORK/l2/opt/app/.wh..wh..opq"
echo new > "$WORK/l2/opt/app/new"

mkdir -p "$WORK/l3/data"
head -c 65536 /dev/urandom > "$WORK/l3/data/more.bin"

if [ ! -f "$LAYOUT/index.json" ]; then
  rmdir "$LAYOUT" 2> /dev/null || true # umoci init wants to create the directory itself
  umoci init --layout "$LAYOUT"
fi
layers=(l1 l2 l3)
if [ "$MIB" -gt 0 ]; then
  mkdir -p "$WORK/l4/data"
  head -c $((MIB * 1048576)) /dev/urandom > "$WORK/l4/data/large.bin"
  layers+=(l4)
fi

umoci new --image "$LAYOUT:$TAG"
for l in "${layers[@]}"; do
  mktar "$WORK/$l" "$WORK/$l.tar"
  umoci raw add-layer --image "$LAYOUT:$TAG" "$WORK/$l.tar"
done
umoci config --image "$LAYOUT:$TAG" --architecture amd64 --os linux --config.cmd /usr/bin/hello
