#!/bin/bash
# Runs inside the guest (started by /init). One rxe device on a veth in the initial network
# namespace (6.1 rxe listens for RoCEv2 only there); both ends of every connection use it.
# Addresses are from the documentation range 192.0.2.0/24. Each workload's ftrace text is
# saved to /out/NAME.trace.
set -u
T=/sys/kernel/tracing
OUT=/out
ADDR=192.0.2.1
SYSTEMS="rdma_core rdma_cma ib_cma ib_mad ib_umad"

log() { echo "== $*"; }

uname -r > $OUT/uname-r.txt
cat /proc/version > $OUT/proc-version.txt
dpkg-query -W rdma-core ibverbs-utils rdmacm-utils perftest infiniband-diags srptools > $OUT/packages.txt

ip link set lo up
ip link add veth0 type veth peer name veth1
ip addr add $ADDR/24 dev veth0
ip link set veth0 up
ip link set veth1 up
for m in ib_core ib_cm iw_cm rdma_cm ib_umad ib_uverbs rdma_ucm rdma_rxe; do modprobe $m || log "modprobe $m failed"; done
rdma link add rxe0 type rxe netdev veth0 || log "rdma link add failed"
sleep 2
rdma link show
ibv_devices
# the GID table entry of the IPv4 address (RoCEv2, ::ffff:192.0.2.1)
GIDX=$(grep -l '^0000:0000:0000:0000:0000:ffff:c000:0201$' /sys/class/infiniband/rxe0/ports/1/gids/* | head -1)
GIDX=$(basename "${GIDX:-1}")
GIDX=${GIDX:-1}
log "IPv4 GID index $GIDX"

echo 16384 > $T/buffer_size_kb
for s in $SYSTEMS; do
    if [ -d $T/events/$s ]; then echo 1 > $T/events/$s/enable; else log "no event system $s"; fi
done
echo 1 > $T/tracing_on

# record NAME CMD... : clear the buffer, run CMD with a time limit, save the trace.
record() {
    local name=$1; shift
    log "workload $name: $*"
    echo > $T/trace
    timeout 120 bash -c "$*"
    log "workload $name exit $?"
    sleep 1
    cat $T/trace > $OUT/$name.trace
    log "workload $name: $(grep -vc '^#' $OUT/$name.trace) records"
}

# server and client of one tool on the same rxe device; the client starts once the server listens
# (4 s: with 2 s an rdma_cm client was once rejected with INVALID_SERVICE_ID under TCG)
pair() { echo "$1 & sleep 4; $2; wait"; }

record rc_pingpong "$(pair "ibv_rc_pingpong -d rxe0 -g $GIDX -n 50" "ibv_rc_pingpong -d rxe0 -g $GIDX -n 50 $ADDR")"
record ud_pingpong "$(pair "ibv_ud_pingpong -d rxe0 -g $GIDX -n 50" "ibv_ud_pingpong -d rxe0 -g $GIDX -n 50 $ADDR")"
record rping "$(pair "rping -s -a $ADDR -C 10 -v" "rping -c -a $ADDR -C 10 -v")"
record ucmatose "$(pair "ucmatose -b $ADDR -c 2" "ucmatose -s $ADDR -c 2")"
record udaddy "$(pair "udaddy -b $ADDR -c 2" "udaddy -s $ADDR -c 2")"
record rstream "$(pair "rstream -b $ADDR -S 4096 -C 100" "rstream -s $ADDR -S 4096 -C 100")"
for bw in ib_send_bw ib_write_bw ib_read_bw ib_atomic_bw; do
    record ${bw}_R "$(pair "$bw -d rxe0 -R -n 100 -F" "$bw -d rxe0 -R -n 100 -F $ADDR")"
done
record umad "ibstat; ibv_devinfo -v; timeout 20 smpquery -C rxe0 -D nodeinfo 0; timeout 20 saquery -C rxe0 -s; timeout 20 perfquery -C rxe0; timeout 20 perfquery -C rxe0 -G $(cat /sys/class/infiniband/rxe0/ports/1/gids/0 | tr -d :); ls -l /dev/infiniband"
# srp_daemon asks the SA through umad (a GSI agent, no SMI): ib_umad write/read records
record umad_srp_daemon "timeout 30 srp_daemon -o -c -v -d /dev/infiniband/umad0"

# SRP: LIO ib_srpt target with a RAM-disk LUN, ib_srp initiator, both over rdma_cm on rxe0.
srp() {
    modprobe sd_mod; modprobe target_core_mod && modprobe ib_srpt && modprobe ib_srp || return 1
    local C=/sys/kernel/config/target
    local gid; gid=$(cat /sys/class/infiniband/rxe0/ports/1/gids/0)
    local tp=0x${gid//:/}
    mkdir -p $C/core/rd_mcp_0/ram0 || return 1
    echo rd_pages=8192 > $C/core/rd_mcp_0/ram0/control
    echo 1 > $C/core/rd_mcp_0/ram0/enable
    mkdir $C/srpt || return 1
    echo 5555 > $C/srpt/discovery_auth/rdma_cm_port || return 1
    mkdir $C/srpt/$tp && mkdir $C/srpt/$tp/$tp || return 1
    mkdir $C/srpt/$tp/$tp/lun/lun_0 && ln -s $C/core/rd_mcp_0/ram0 $C/srpt/$tp/$tp/lun/lun_0/ram0 || return 1
    local ini
    for ini in $ADDR $tp; do
        mkdir $C/srpt/$tp/$tp/acls/$ini && mkdir $C/srpt/$tp/$tp/acls/$ini/lun_0 &&
            ln -s $C/srpt/$tp/$tp/lun/lun_0 $C/srpt/$tp/$tp/acls/$ini/lun_0/lun_0
    done
    echo 1 > $C/srpt/$tp/$tp/enable || return 1
    local guid; guid=$(cat /sys/module/ib_srpt/parameters/srpt_service_guid)
    local p; p=$(ls -d /sys/class/infiniband_srp/srp-rxe0-* | head -1)
    echo "login via $p guid $guid"
    echo "id_ext=$guid,initiator_ext=${tp:2:16},ioc_guid=$guid,src=$ADDR,dest=$ADDR:5555" > $p/add_target || return 1
    sleep 3
    ls /sys/class/scsi_host/ /sys/class/srp_remote_ports/ 2>&1
    cat /proc/partitions
    local d; for d in /sys/class/scsi_disk/*/device/block/*; do
        [ -e "$d" ] || continue
        d=/dev/$(basename $d); echo "I/O on $d"
        dd if=/dev/zero of=$d bs=64k count=16 oflag=direct && dd if=$d of=/dev/null bs=64k count=16 iflag=direct
    done
    for p in /sys/class/srp_remote_ports/*; do [ -e "$p/delete" ] && echo 1 > $p/delete; done
    sleep 2
    echo 0 > $C/srpt/$tp/$tp/enable
    return 0
}
export ADDR; export -f srp
record srp srp
dmesg > $OUT/dmesg.txt
log done
