#!/usr/bin/env bash
# Builds the test and benchmark images into one OCI layout, without Docker:
#   infra/build-test-images.sh [OUT_DIR]        (default .autoconvert/test-images)
# Tags in OUT_DIR/oci:
#   single      one layer: a file, a 1 MiB random file, an executable
#   layers      three layers: hardlink, symlinks (relative, absolute, dangling), fifo, char device,
#               xattr, 120-character directory, UTF-8 name, 8 MiB mostly-zero file; then a whiteout,
#               a directory whiteout and an opaque directory; then a re-added file
#   plat-amd64, plat-arm64, multiarch (an index of the two)
#   debian      Debian bookworm minbase in one layer, like the official image (no debootstrap
#               with SKIP_DEBIAN=1; the rootfs is kept in ROOTFS for the next run)
# Push with: skopeo copy --dest-tls-verify=false oci:OUT_DIR/oci:TAG docker://127.0.0.1:5000/REPO:TAG
# (add --all for multiarch). Layer tars are GNU tar + 'umoci raw add-layer', never 'umoci insert',
# which writes truncated tars (RECIPES.md §4).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=$(mkdir -p "${1:-$ROOT/.autoconvert/test-images}" && cd "${1:-$ROOT/.autoconvert/test-images}" && pwd)
ROOTFS=${ROOTFS:-$ROOT/.autoconvert/cache/debian-rootfs}
cd "$OUT"
rm -rf oci src-a l1 l2 l3 plat-amd64 plat-arm64 ./*.tar idx.json
umoci init --layout oci

# names without a "./" prefix, fixed owner and time, PAX headers for long names and xattrs
mktar() {
  # shellcheck disable=SC2046 # the fixture names have no spaces
  tar --format=pax --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
    --xattrs --xattrs-include='user.*' --numeric-owner --owner=0 --group=0 --sort=name \
    --mtime='2024-01-01 00:00:00Z' -C "$1" -cf "$2" $(cd "$1" && ls -A)
}
image() { # image TAG ARCH TAR...
  local tag=$1 arch=$2
  shift 2
  umoci new --image "oci:$tag"
  for t in "$@"; do umoci raw add-layer --image "oci:$tag" "$t"; done
  umoci config --image "oci:$tag" --architecture "$arch" --os linux
}

# single
mkdir -p src-a/etc src-a/usr/bin src-a/data
echo "hello from single layer" > src-a/etc/motd
head -c 1048576 /dev/urandom > src-a/data/random.bin
printf '#!/bin/sh\necho hi\n' > src-a/usr/bin/hi && chmod 755 src-a/usr/bin/hi
mktar src-a single.tar && image single amd64 single.tar

# layers
mkdir -p l1/etc l1/bin l1/run l1/var/empty l1/var/cache/old l1/opt/app/sub l1/dev l1/home/user/.config
echo base-motd > l1/etc/motd
echo secret-to-delete > l1/etc/remove-me
echo stale > l1/var/cache/old/file
printf '#!/bin/sh\necho tool\n' > l1/bin/tool && chmod 4755 l1/bin/tool && ln l1/bin/tool l1/bin/tool-hardlink
ln -s motd l1/etc/motd-rel-link
ln -s /etc/motd l1/etc/motd-abs-link
ln -s ../nowhere l1/etc/dangling-link
mkfifo l1/run/fifo
mknod l1/dev/null-copy c 1 3
echo old1 > l1/opt/app/old1
echo old3 > l1/opt/app/sub/old3
echo xattr-file > l1/etc/with-xattr && setfattr -n user.probe -v hello l1/etc/with-xattr
long=$(printf 'd%.0s' $(seq 1 120))
mkdir -p "l1/home/user/$long" && echo long > "l1/home/user/$long/file-with-a-long-path.txt"
echo unicode > "l1/home/user/Grüße-日本.txt"
truncate -s 8M l1/home/user/sparse.img && printf 'tail' >> l1/home/user/sparse.img
mkdir -p l2/etc l2/var/cache l2/opt/app/emptydir
echo layer2-motd > l2/etc/motd
: > l2/etc/.wh.remove-me     # delete a file
: > l2/var/cache/.wh.old     # delete a directory
: > l2/opt/app/.wh..wh..opq  # opaque: hide opt/app of the lower layers
echo new1 > l2/opt/app/new1
mkdir -p l3/etc && echo resurrected > l3/etc/remove-me
mktar l1 l1.tar && mktar l2 l2.tar && mktar l3 l3.tar && image layers amd64 l1.tar l2.tar l3.tar

# plat-amd64, plat-arm64, multiarch
for arch in amd64 arm64; do
  mkdir -p "plat-$arch/etc" "plat-$arch/usr/bin"
  echo "fake $arch userland" > "plat-$arch/etc/arch"
  head -c 65536 /dev/urandom > "plat-$arch/usr/bin/fake-$arch-binary"
  mktar "plat-$arch" "plat-$arch.tar" && image "plat-$arch" "$arch" "plat-$arch.tar"
done
descriptor() {
  jq -c --arg t "$1" '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == $t)
    | {mediaType, digest, size}' oci/index.json
}
jq -n -c --argjson a "$(descriptor plat-amd64)" --argjson r "$(descriptor plat-arm64)" '{schemaVersion: 2,
  mediaType: "application/vnd.oci.image.index.v1+json", manifests: [
    $a + {platform: {architecture: "amd64", os: "linux"}},
    $r + {platform: {architecture: "arm64", os: "linux", variant: "v8"}}]}' > idx.json
digest=$(sha256sum idx.json | cut -d' ' -f1)
cp idx.json "oci/blobs/sha256/$digest"
jq --arg d "sha256:$digest" --argjson s "$(stat -c %s idx.json)" '.manifests += [{
  mediaType: "application/vnd.oci.image.index.v1+json", digest: $d, size: $s,
  annotations: {"org.opencontainers.image.ref.name": "multiarch"}}]' oci/index.json > index.new
mv index.new oci/index.json

# debian
if [ "${SKIP_DEBIAN:-0}" != 1 ]; then
  if [ ! -x "$ROOTFS/bin/sh" ]; then
    mirror=$(awk '/^URIs:/ { print $2 } /^deb / { print $2 }' /etc/apt/sources.list.d/*.sources \
      /etc/apt/sources.list 2> /dev/null | grep -v security | head -1 || true)
    rm -rf "$ROOTFS" && mkdir -p "$(dirname "$ROOTFS")"
    debootstrap --variant=minbase bookworm "$ROOTFS" ${mirror:+"$mirror"} > "$OUT/debootstrap.log" 2>&1 \
      || { tail -20 "$OUT/debootstrap.log" >&2; exit 1; }
  fi
  # shellcheck disable=SC2046
  tar --format=pax --pax-option=delete=atime,delete=ctime --xattrs --xattrs-include='*' --numeric-owner \
    --sort=name --exclude='dev/*' --exclude='proc/*' --exclude='sys/*' \
    --exclude='var/cache/apt/archives/*.deb' --exclude='var/lib/apt/lists/*' \
    -C "$ROOTFS" -cf debian.tar $(cd "$ROOTFS" && ls -A)
  image debian amd64 debian.tar
  umoci config --image oci:debian --config.cmd /bin/bash
fi

rm -rf src-a l1 l2 l3 plat-amd64 plat-arm64 ./*.tar idx.json
jq -r '.manifests[] | [.annotations["org.opencontainers.image.ref.name"], .digest] | @tsv' oci/index.json
