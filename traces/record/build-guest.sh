#!/bin/bash
# Builds the guest for record.sh: Debian's own kernel package (vmlinuz + modules) and a
# bookworm root file system with rdma-core and the test tools, packed as one initramfs.
# Everything lands in $WORK (default /tmp/ibmodel-rec); nothing is written to the repository.
# Needs root and Debian packages: mmdebstrap, cpio (apt-get install mmdebstrap cpio).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=${WORK:-/tmp/ibmodel-rec}
SUITE=${SUITE:-bookworm}
mkdir -p "$WORK"
cd "$WORK"

# 1. The kernel: whatever linux-image-amd64 depends on today (6.1.x on bookworm).
KPKG=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
[ -n "$KPKG" ] || { echo "cannot resolve linux-image-amd64" >&2; exit 2; }
ls "$KPKG"_*.deb >/dev/null 2>&1 || apt-get download "$KPKG"
rm -rf kernel && mkdir kernel && dpkg-deb -x "$KPKG"_*.deb kernel
KVER=$(ls kernel/lib/modules)
cp kernel/boot/vmlinuz-"$KVER" vmlinuz
echo "$KVER" > kver

# 2. The root file system (minbase plus the RDMA user space), built once.
PKGS=kmod,iproute2,procps,rdma-core,ibverbs-providers,ibverbs-utils,rdmacm-utils,perftest,infiniband-diags,srptools
if [ ! -e root/.done ]; then
    rm -rf root
    mmdebstrap --variant=minbase --include="$PKGS" "$SUITE" root
    touch root/.done
fi
dpkg-query --admindir=root/var/lib/dpkg -W rdma-core ibverbs-utils rdmacm-utils perftest infiniband-diags srptools \
    > versions.txt

# 3. The kernel's modules, less the large trees a headless RXE guest never loads.
rm -rf root/lib/modules && mkdir -p root/lib/modules
cp -a kernel/lib/modules/"$KVER" root/lib/modules/
M=root/lib/modules/$KVER/kernel
rm -rf "$M"/drivers/gpu "$M"/drivers/media "$M"/sound "$M"/drivers/net/wireless \
       "$M"/drivers/net/ethernet "$M"/drivers/staging "$M"/drivers/usb "$M"/drivers/bluetooth \
       "$M"/net/wireless "$M"/net/mac80211 "$M"/net/bluetooth "$M"/drivers/iio "$M"/drivers/hid \
       "$M"/drivers/input "$M"/drivers/mmc "$M"/drivers/nfc "$M"/drivers/isdn
chroot root /sbin/depmod "$KVER"

# 4. The guest's init and workloads.
install -m 0755 "$HERE"/guest/init root/init
install -m 0755 "$HERE"/guest/workloads.sh root/workloads.sh
mkdir -p root/out

# 5. One uncompressed initramfs (no decompression under TCG).
(cd root && find . -path ./var/cache/apt -prune -o -print | cpio -o -H newc --quiet) > initrd.cpio
ls -la vmlinuz initrd.cpio
