#!/usr/bin/env bash
# Installs (if needed) and starts a single-node Son of Grid Engine 8.1.9 on this machine (sge_qmaster, sge_execd,
# queue all.q with $SGE_SLOTS slots, PE smp, 1 s scheduling, immediate accounting). Idempotent; records the pids of
# the daemons it started in $GRID_STATE_DIR/sge.pids for sge-down.sh.
# Knobs: SGE_SLOTS (2), SGE_ALLOW_ROOT (1: min_uid/min_gid 0), SGE_UP_TIMEOUT (s per wait, 60), SMOKE (1),
# GRID_STATE_DIR (/run/parallellint-grid).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
require_root_apt

SGE_SLOTS=${SGE_SLOTS:-2}
[[ "$SGE_SLOTS" =~ ^[1-9][0-9]{0,3}$ ]] || die "SGE_SLOTS must be a whole number of slots from 1 to 9999, not '$SGE_SLOTS'"
SGE_ALLOW_ROOT=${SGE_ALLOW_ROOT:-1}
T=${SGE_UP_TIMEOUT:-60}
export SGE_ROOT=/var/lib/gridengine SGE_CELL=default
COMMON=$SGE_ROOT/$SGE_CELL/common
HOST=$(hostname)
# The daemons write their pidfiles into their spool dirs, not where Debian's init scripts look.
QMASTER_PIDF=/var/spool/gridengine/qmaster/qmaster.pid
EXECD_SPOOL=/var/spool/gridengine/execd


# execd names its spool dir after the unaliased host name (e.g. "localhost"), hence the glob.
execd_pidfile() {
  local f
  for f in "$EXECD_SPOOL"/*/execd.pid; do
    pidfile_pid "$f" sge_execd >/dev/null && { echo "$f"; return 0; }
  done
  return 1
}
# States column of the all.q queue instance ("-" when it has none); nothing if there is no instance.
qi_states() {
  timeout 5 qstat -f -q all.q 2>/dev/null | awk 'index($1, "all.q@") == 1 { print ($6 == "" ? "-" : $6) }'
}

# all.q's slots, as configured.
queue_slots() { timeout 5 qconf -sq all.q 2>/dev/null | awk '$1 == "slots" { print $2; exit }'; }

# Fast path: up, and with the slots asked for (SGE_SLOTS=8 on a running grid goes on to set them).
if pidfile_pid "$QMASTER_PIDF" sge_qmaster >/dev/null 2>&1 && execd_pidfile >/dev/null 2>&1 &&
  [ "$(qi_states)" = "-" ] && [ "$(queue_slots)" = "$SGE_SLOTS" ]; then
  log "already up"
  exit 0
fi

mkdir -p "$GRID_STATE_DIR"
prune_state sge
ensure_hostname_resolves
# Without a preseeded master name, noninteractive debconf writes an empty act_qmaster.
preseed() {
  printf 'gridengine-common shared/%s\n' "gridengineconfig boolean true" "gridenginecell string $SGE_CELL" \
    "gridenginemaster string $HOST" | debconf-set-selections
}
# Retried: the debconf database is locked while another apt/dpkg run (e.g. slurm-up.sh) configures packages.
wait_for 300 "the debconf database (debconf-set-selections kept failing)" preseed
apt_ensure gridengine-common gridengine-client gridengine-master gridengine-exec
[ -d "$COMMON" ] || die "$COMMON missing after install (gridengine-master postinst did not run init_cluster?)"

qc() { timeout 10 qconf "$@"; }
# qset ARGS...: a modifying qconf call, quiet unless it fails.
qset() { local out; out=$(qc "$@" 2>&1) || die "qconf $* failed: $out"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; _grid_cleanup' EXIT

# If the host's address resolves back to another name (127.0.0.1 -> localhost), SGE sees clients as that name
# and refuses them ("access denied ... not identical to clients host name"): declare it an alias.
ip=$(getent hosts "$HOST" | awk '{ print $1; exit }')
rev=$(getent hosts "$ip" | awk '{ print $2; exit }')
if [ -n "$rev" ] && [ "$rev" != "$HOST" ] && ! grep -qs "^$HOST .*\b$rev\b" "$COMMON/host_aliases"; then
  log "aliasing $rev to $HOST in host_aliases"
  echo "$HOST $rev" >>"$COMMON/host_aliases"
fi
if [ "$(cat "$COMMON/act_qmaster" 2>/dev/null)" != "$HOST" ]; then echo "$HOST" >"$COMMON/act_qmaster"; fi

# start_daemon COMM PIDFILE-FN CMD...: like slurm-up.sh, PIDFILE-FN prints the live daemon's pidfile.
start_daemon() {
  local comm=$1 pffn=$2 pf; shift 2
  if pf=$("$pffn"); then log "$comm already running (pid $(head -n 1 "$pf"))"; return 0; fi
  log "starting $comm"
  spawn_detached "$GRID_STATE_DIR/$comm.out" "$@"
  wait_for "$T" "$comm to write its pidfile (see $GRID_STATE_DIR/$comm.out, /var/spool/gridengine/*/messages)" "$pffn"
  pf=$("$pffn")
  record_pid sge "$comm" "$(head -n 1 "$pf" | tr -dc 0-9)" "$pf"
}
qmaster_pidfile() { pidfile_pid "$QMASTER_PIDF" sge_qmaster >/dev/null && echo "$QMASTER_PIDF"; }

rm_stale_pidfile "$QMASTER_PIDF" sge_qmaster
start_daemon sge_qmaster qmaster_pidfile /usr/sbin/sge_qmaster
wait_for "$T" "sge_qmaster to answer qconf -sh" qc -sh

# set_keys FILE KEY VALUE...: rewrites SGE "key value" config text (with \-continued lines joined).
set_keys() {
  local f=$1; shift
  awk -v kv="$(printf '%s\n' "$@")" '
    BEGIN { n = split(kv, a, "\n"); for (i = 1; i + 1 <= n; i += 2) want[a[i]] = a[i + 1] }
    /^#/ { next }
    { line = line $0 }
    /\\$/ { sub(/\\$/, "", line); next }
    { gsub(/[ \t]+/, " ", line); k = line; sub(/ .*/, "", k)
      if (k in want) { line = k " " want[k]; seen[k] = 1 }
      print line; line = "" }
    END { for (k in want) if (!(k in seen)) print k " " want[k] }' "$f"
}

# Global config, before execd starts: execd only reads min_uid/min_gid at startup (else root jobs go Eqw).
qc -sconf global >"$tmp/cur"
keys=(reporting_params "accounting=true reporting=false flush_time=00:00:01 joblog=false sharelog=00:00:00 accounting_flush_time=00:00:00")
[ "$SGE_ALLOW_ROOT" = 1 ] && keys+=(min_uid 0 min_gid 0)
set_keys "$tmp/cur" >"$tmp/norm"
set_keys "$tmp/cur" "${keys[@]}" >"$tmp/global"   # file name must be the config name
conf_changed=0
if ! cmp -s "$tmp/norm" "$tmp/global"; then
  log "updating global config"
  qset -Mconf "$tmp/global"
  conf_changed=1
fi

qc -ssconf >"$tmp/sched.cur"
set_keys "$tmp/sched.cur" >"$tmp/sched.norm"
set_keys "$tmp/sched.cur" schedule_interval 0:0:1 flush_submit_sec 1 flush_finish_sec 1 >"$tmp/sched"
if ! cmp -s "$tmp/sched.norm" "$tmp/sched"; then
  log "updating scheduler config"
  qset -Msconf "$tmp/sched"
fi

qc -sh 2>/dev/null | grep -qx "$HOST" || qset -ah "$HOST"
qc -ss 2>/dev/null | grep -qx "$HOST" || qset -as "$HOST"
if ! qc -sp smp >/dev/null 2>&1; then
  cat >"$tmp/smp" <<PE
pe_name            smp
slots              9999
user_lists         NONE
xuser_lists        NONE
start_proc_args    NONE
stop_proc_args     NONE
allocation_rule    \$pe_slots
control_slaves     FALSE
job_is_first_task  TRUE
urgency_slots      min
accounting_summary FALSE
qsort_args         NONE
PE
  qset -Ap "$tmp/smp"
fi
if ! qc -shgrp @allhosts >/dev/null 2>&1; then
  printf 'group_name @allhosts\nhostlist %s\n' "$HOST" >"$tmp/allhosts"
  qset -Ahgrp "$tmp/allhosts"
elif ! qc -shgrp @allhosts | grep -qw "$HOST"; then
  qset -aattr hostgroup hostlist "$HOST" @allhosts
fi

# A running execd of ours with an outdated global config gets restarted; someone else's is only reported.
if [ "$conf_changed" = 1 ] && pf=$(execd_pidfile); then
  pid=$(head -n 1 "$pf" | tr -dc 0-9)
  if is_recorded sge sge_execd "$pid"; then
    log "restarting sge_execd for the new global config"
    stop_pid "$pid" sge_execd "$pf"
    prune_state sge
  else
    log "WARNING: sge_execd (pid $pid) was not started by this script and keeps its old global config"
  fi
fi
for f in "$EXECD_SPOOL"/*/execd.pid; do rm_stale_pidfile "$f" sge_execd; done
start_daemon sge_execd execd_pidfile /usr/sbin/sge_execd
# execd on an admin host registers itself as exec host.
exec_host_ok() { qc -sel | grep -qx "$HOST"; }
wait_for "$T" "sge_execd to register $HOST as execution host" exec_host_ok

if ! qc -sq all.q >/dev/null 2>&1; then
  # qconf -aq opens $EDITOR on the default queue template; edit it non-interactively.
  cat >"$tmp/editor" <<ED
#!/bin/sh
sed -i -e 's/^hostlist .*/hostlist @allhosts/' -e 's/^pe_list .*/pe_list smp/' \\
  -e 's/^slots .*/slots $SGE_SLOTS/' -e 's/^load_thresholds .*/load_thresholds NONE/' "\$1"
ED
  chmod +x "$tmp/editor"
  EDITOR=$tmp/editor qset -aq all.q
fi
# Enforce what matters even on an existing queue. A loaded CI box would otherwise alarm the queue (state a).
qattr() { qc -sq all.q | awk -v k="$1" '$1 == k { $1 = ""; sub(/^ /, ""); print; exit }'; }
[ "$(qattr hostlist)" = "@allhosts" ] || qset -rattr queue hostlist @allhosts all.q
[ "$(qattr pe_list)" = "smp" ] || qset -rattr queue pe_list smp all.q
[ "$(qattr slots)" = "$SGE_SLOTS" ] || qset -rattr queue slots "$SGE_SLOTS" all.q
[ "$(qattr load_thresholds)" = "NONE" ] || qset -rattr queue load_thresholds NONE all.q

# Queue instance usable: clear error (E) / disabled (d) states; wait out unknown (u) until execd reports.
qi_ready() {
  local st; st=$(qi_states)
  case "$st" in
    -) return 0 ;;
    "") return 1 ;;
  esac
  case "$st" in *E*) timeout 10 qmod -cq all.q >/dev/null 2>&1 || true ;; esac
  case "$st" in *d*) timeout 10 qmod -e all.q >/dev/null 2>&1 || true ;; esac
  return 1
}
wait_until "$T" qi_ready ||
  die "timed out after ${T}s waiting for queue instance all.q@$HOST without state flags (states: '$(qi_states)')"

if [ "$SMOKE" != 0 ]; then
  sub=()
  [ "$SGE_ALLOW_ROOT" = 1 ] || sub=(runuser -u nobody --)
  # qsub -sync y never returns for a job stuck in Eqw: always bounded.
  # -terse prints the id on stdout; messages go to stderr.
  id=$(cd / && timeout "$T" "${sub[@]}" qsub -sync y -terse -b y -N pl_smoke -o /dev/null -e /dev/null /bin/true 2>"$tmp/smoke.err") ||
    die "smoke test 'qsub -sync y /bin/true' failed or timed out: $(tr '\n' ' ' <"$tmp/smoke.err")"
  id=${id%%.*}
  [[ "$id" =~ ^[0-9]+$ ]] || die "smoke test qsub printed '$id', expected a job id"
  acct_ok() { timeout 5 qacct -j "$id" | grep -Eq '^exit_status +0'; }
  wait_for 10 "qacct to report exit_status 0 for smoke job $id" acct_ok
fi
log "up (host $HOST, all.q with $SGE_SLOTS slots, PE smp)"
