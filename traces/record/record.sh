#!/bin/bash
# Boots the guest that build-guest.sh made, under QEMU with software emulation and no
# network, and collects the traces it writes into $WORK/out (shared over virtio-9p).
# With --save, copies them into traces/recorded/ (trimmed to MAX_LINES lines each).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=${WORK:-/tmp/ibmodel-rec}
MAX_LINES=${MAX_LINES:-4000}
cd "$WORK"
rm -rf out && mkdir out
timeout ${QEMU_TIMEOUT:-1500} qemu-system-x86_64 -accel tcg -machine q35 -cpu max -smp 2 -m 4096 \
    -nic none -display none -no-reboot -monitor none -serial file:"$WORK"/serial.log \
    -kernel vmlinuz -initrd initrd.cpio \
    -append "console=ttyS0 rdinit=/init panic=-1 loglevel=4" \
    -virtfs local,path="$WORK"/out,mount_tag=out,security_model=none,id=out
ls -la out
if [ "${1:-}" = --save ]; then
    DEST="$HERE"/../recorded
    mkdir -p "$DEST"
    for f in out/*.trace; do
        n=$(basename "$f")
        if ! grep -qv '^#' "$f"; then
            echo "not saved (no records): $n"
            continue
        fi
        # the header and the first MAX_LINES lines: cut at a line end, never inside a record
        head -n "$MAX_LINES" "$f" > "$DEST/$n"
    done
    {
        echo "recorded: $(date -u +%Y-%m-%d)"
        echo "uname -r: $(cat out/uname-r.txt)"
        echo "/proc/version: $(cat out/proc-version.txt)"
        echo "packages:"
        sed 's/^/  /' out/packages.txt
    } > "$DEST"/versions.txt
fi
