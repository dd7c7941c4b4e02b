#!/usr/bin/env bash
# Installs (if needed) and starts a single-node Slurm 22.05 with accounting on this machine:
# munged -> mariadbd -> slurmdbd -> slurmctld -> slurmd. Idempotent; records the pids of the daemons it
# started in $GRID_STATE_DIR/slurm.pids for slurm-down.sh (daemons already running are reused, not recorded).
# Knobs: SLURM_CPUS (2), SLURM_MEMORY_MB (90% of MemTotal: what --mem may ask for), SLURM_CLUSTER (parallellint), SLURM_UP_TIMEOUT (s per wait, 60), SMOKE (1),
# GRID_STATE_DIR (/run/parallellint-grid).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
require_root_apt

SLURM_CPUS=${SLURM_CPUS:-2}
[[ "$SLURM_CPUS" =~ ^[1-9][0-9]{0,3}$ ]] || die "SLURM_CPUS must be a whole number of CPUs from 1 to 9999, not '$SLURM_CPUS'"
SLURM_MEMORY_MB=${SLURM_MEMORY_MB:-$(awk '/^MemTotal:/ { printf "%d", $2 / 1024 * 0.9 }' /proc/meminfo)}
[[ "$SLURM_MEMORY_MB" =~ ^[1-9][0-9]{0,8}$ ]] || die "SLURM_MEMORY_MB must be a whole number of MB, not '$SLURM_MEMORY_MB'"
SLURM_CLUSTER=${SLURM_CLUSTER:-parallellint}
T=${SLURM_UP_TIMEOUT:-60}
NODE=$(hostname -s)
RUN=/run/slurm
MUNGE_PIDF=/run/munge/munged.pid
MYSQL_PIDF=/run/mysqld/mysqld.pid
# Under a slurm-owned dir so slurmctld/slurmdbd (running as slurm) can remove their own pidfiles.
DBD_PIDF=$RUN/slurmdbd.pid
CTLD_PIDF=$RUN/slurmctld.pid
SLURMD_PIDF=$RUN/slurmd.pid
# Raised whenever the slurm.conf written below changes: a cluster up with an older one is reconfigured.
CONF_VERSION="config 2"


node_state() { timeout 5 sinfo -h -N -n "$NODE" -o %T 2>/dev/null | head -n 1; }
node_usable() { case "$(node_state)" in idle | mixed | allocated | completing) return 0 ;; *) return 1 ;; esac; }
all_running() {
  pidfile_pid "$MUNGE_PIDF" munged && pidfile_pid "$MYSQL_PIDF" mariadbd && pidfile_pid "$DBD_PIDF" slurmdbd &&
    pidfile_pid "$CTLD_PIDF" slurmctld && pidfile_pid "$SLURMD_PIDF" slurmd
} >/dev/null 2>&1

# Fast path: pidfiles first, since sinfo retries for ~5 s when slurmctld is down; the node must have the CPUs asked
# and memory for (SLURM_CPUS=8 on a running cluster goes on to rewrite slurm.conf and restart the daemons that read it).
if [ -f /etc/slurm/slurm.conf ] && grep -q "^NodeName=.* CPUs=$SLURM_CPUS RealMemory=$SLURM_MEMORY_MB " /etc/slurm/slurm.conf &&
  grep -q "($CONF_VERSION)" /etc/slurm/slurm.conf && all_running && node_usable; then
  log "already up"
  exit 0
fi

mkdir -p "$GRID_STATE_DIR"
prune_state slurm
ensure_hostname_resolves
apt_ensure munge slurm-wlm slurmctld slurmd slurm-client slurmdbd mariadb-server

# start_daemon COMM PIDFILE CMD...: starts CMD unless COMM already runs per PIDFILE; records what it started.
start_daemon() {
  local comm=$1 pf=$2 pid; shift 2
  if pid=$(pidfile_pid "$pf" "$comm"); then
    log "$comm already running (pid $pid)"
    return 0
  fi
  rm_stale_pidfile "$pf" "$comm"
  log "starting $comm"
  spawn_detached "$GRID_STATE_DIR/$comm.out" "$@"
  wait_for "$T" "$comm to write $pf (see $GRID_STATE_DIR/$comm.out and /var/log)" pidfile_pid "$pf" "$comm"
  record_pid slurm "$comm" "$(pidfile_pid "$pf" "$comm")" "$pf"
}

# --- munge
if [ ! -s /etc/munge/munge.key ]; then
  mungekey --create --keyfile=/etc/munge/munge.key 2>/dev/null ||
    dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
fi
chown munge:munge /etc/munge/munge.key
chmod 400 /etc/munge/munge.key
# munged's RuntimeDirectory: systemd would create it.
install -d -o munge -g munge -m 755 /run/munge
start_daemon munged "$MUNGE_PIDF" runuser -u munge -- /usr/sbin/munged
munge_ok() { timeout 5 munge -n | timeout 5 unmunge; }
wait_for "$T" "a munge credential round trip (munged)" munge_ok

# --- config (written before slurmdbd: sacctmgr refuses to talk to it while slurm.conf says accounting_storage/none)
install -d -o slurm -g slurm -m 755 "$RUN" /var/lib/slurm/slurmctld /var/log/slurm
install -d -o root -g root -m 755 /var/lib/slurm/slurmd
if install_file /etc/slurm/slurm.conf 644 root:root <<CONF; then
# Written by eng/grid/slurm-up.sh ($CONF_VERSION): single node, no cgroups, fast scheduling, accounting via slurmdbd.
ClusterName=$SLURM_CLUSTER
SlurmctldHost=$NODE(127.0.0.1)
SlurmUser=slurm
AuthType=auth/munge
CryptoType=crypto/munge
MpiDefault=none
StateSaveLocation=/var/lib/slurm/slurmctld
SlurmdSpoolDir=/var/lib/slurm/slurmd
SlurmctldPidFile=$CTLD_PIDF
SlurmdPidFile=$SLURMD_PIDF
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
# Memory is enforced without cgroups: the accounting plugin samples each step every second and kills one over its
# --mem (or DefMemPerCPU), writing "exceeded memory limit" to the job's log; CR_CPU_Memory makes --mem a limit.
JobAcctGatherType=jobacct_gather/linux
JobAcctGatherParams=OverMemoryKill
JobAcctGatherFrequency=task=1
SlurmdParameters=config_overrides
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU_Memory
DefMemPerCPU=$((SLURM_MEMORY_MB / SLURM_CPUS))
SchedulerParameters=batch_sched_delay=0
# Arrays up to 100,000 tasks: the defaults (MaxArraySize 1001; MaxJobCount 10000, which counts each task and
# finished ones for MinJobAge) refuse the 10,000-job benchmark's array.
MaxArraySize=100001
MaxJobCount=100000
ReturnToService=2
KillWait=5
MailProg=/bin/true
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=$NODE
JobCompType=jobcomp/none
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=$SLURM_CPUS RealMemory=$SLURM_MEMORY_MB State=UNKNOWN
PartitionName=debug Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
CONF
  # A node's CPUs and memory are read at start only: restart the daemons that run with the old file (started again below).
  for daemon in "slurmctld $CTLD_PIDF" "slurmd $SLURMD_PIDF"; do
    read -r comm pf <<<"$daemon"
    if pid=$(pidfile_pid "$pf" "$comm"); then
      log "slurm.conf changed while $comm runs: restarting it"
      stop_pid "$pid" "$comm" "$pf"
    fi
  done
  prune_state slurm
fi

# --- MariaDB (does not daemonize itself)
install -d -o mysql -g root -m 755 /run/mysqld
mariadb_ok() { timeout 5 mariadb-admin --connect-timeout=2 ping; }
if ! pidfile_pid "$MYSQL_PIDF" mariadbd >/dev/null && mariadb_ok >/dev/null 2>&1; then
  log "a MariaDB server without $MYSQL_PIDF answers; using it"
else
  start_daemon mariadbd "$MYSQL_PIDF" /usr/sbin/mariadbd --user=mysql
fi
wait_for "$T" "MariaDB to answer mariadb-admin ping" mariadb_ok

# --- slurmdbd
if ! pidfile_pid "$DBD_PIDF" slurmdbd >/dev/null; then
  pw=""
  [ -f /etc/slurm/slurmdbd.conf ] && pw=$(sed -n 's/^StoragePass=//p' /etc/slurm/slurmdbd.conf | head -n 1)
  [ -n "$pw" ] || pw=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
  timeout 30 mariadb -e "CREATE DATABASE IF NOT EXISTS slurm_acct_db;
    CREATE USER IF NOT EXISTS 'slurm'@'localhost' IDENTIFIED BY '$pw';
    ALTER USER 'slurm'@'localhost' IDENTIFIED BY '$pw';
    GRANT ALL ON slurm_acct_db.* TO 'slurm'@'localhost';" || die "could not create the slurm database/user in MariaDB"
  # slurmdbd refuses a config that is not mode 600 and owned by SlurmUser.
  install_file /etc/slurm/slurmdbd.conf 600 slurm:slurm <<CONF || true
# Written by eng/grid/slurm-up.sh
AuthType=auth/munge
DbdHost=$NODE
DbdPort=6819
SlurmUser=slurm
PidFile=$DBD_PIDF
LogFile=/var/log/slurm/slurmdbd.log
StorageType=accounting_storage/mysql
StorageHost=localhost
StorageUser=slurm
StoragePass=$pw
StorageLoc=slurm_acct_db
CONF
fi
start_daemon slurmdbd "$DBD_PIDF" /usr/sbin/slurmdbd
dbd_ok() { timeout 5 sacctmgr -n -P show cluster format=cluster; }
wait_for "$T" "slurmdbd to answer sacctmgr" dbd_ok

# --- slurmctld, slurmd
start_daemon slurmctld "$CTLD_PIDF" /usr/sbin/slurmctld
ctld_ok() { timeout 5 scontrol ping | grep -q 'is UP'; }
wait_for "$T" "slurmctld to answer scontrol ping" ctld_ok
start_daemon slurmd "$SLURMD_PIDF" /usr/sbin/slurmd
node_ready() {
  local st; st=$(node_state)
  case "$st" in
    idle | mixed | allocated | completing) return 0 ;;
    drain* | down) timeout 5 scontrol update nodename="$NODE" state=resume ;;
  esac
  return 1
}
wait_until "$T" node_ready || die "timed out after ${T}s waiting for node $NODE to become idle (sinfo state: '$(node_state)'; see /var/log/slurm/slurmd.log)"
cluster_ok() { timeout 5 sacctmgr -n -P show cluster format=cluster | grep -qix "$SLURM_CLUSTER"; }
wait_for "$T" "slurmctld to register cluster $SLURM_CLUSTER in slurmdbd" cluster_ok

if [ "$SMOKE" != 0 ]; then
  # srun reports on stderr when the job waits for a moment ("queued and waiting for resources"): compare stdout only.
  err=$(mktemp)
  out=$(timeout "$T" srun -N1 -n1 -t 1 -J pl_smoke hostname 2>"$err") || die "smoke test 'srun hostname' failed: $out $(cat "$err")"
  rm -f "$err"
  [ "$out" = "$NODE" ] || [ "$out" = "$(hostname)" ] || die "smoke test 'srun hostname' printed '$out', expected $NODE"
fi
log "up (node $NODE, $SLURM_CPUS CPUs, cluster $SLURM_CLUSTER)"
