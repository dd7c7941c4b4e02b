# shellcheck shell=bash
# Shared helpers for eng/grid/{sge,slurm}-{up,down}.sh (sourced, not run).

export DEBIAN_FRONTEND=noninteractive
export LC_ALL=C
GRID_STATE_DIR=${GRID_STATE_DIR:-/run/parallellint-grid}
GRID_STOP_TIMEOUT=${GRID_STOP_TIMEOUT:-30}
GRID_APT_TIMEOUT=${GRID_APT_TIMEOUT:-900}
SMOKE=${SMOKE:-1}
_grid_t0=${EPOCHREALTIME/[.,]/}
_grid_name=$(basename "$0" .sh)

_now_us() { echo "${EPOCHREALTIME/[.,]/}"; }
elapsed() { local d=$(( $(_now_us) - _grid_t0 )); printf '%d.%01ds' $((d / 1000000)) $((d % 1000000 / 100000)); }
log() { echo "[$_grid_name $(elapsed)] $*" >&2; }
die() { echo "$_grid_name: $*" >&2; exit 1; }

require_root() { [ "$(id -u)" -eq 0 ] || die "must run as root (uid is $(id -u))"; }
require_root_apt() {
  require_root
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found (Debian/Ubuntu only)"
}

# wait_until SECONDS CMD... : retry CMD every 0.2 s; non-zero if it never succeeded.
wait_until() {
  local secs=$1; shift
  local deadline=$(( $(_now_us) + secs * 1000000 ))
  until "$@" >/dev/null 2>&1; do
    (( $(_now_us) < deadline )) || return 1
    sleep 0.2
  done
}
# wait_for SECONDS WHAT CMD... : like wait_until, but dies naming WHAT.
wait_for() {
  local secs=$1 what=$2; shift 2
  wait_until "$secs" "$@" || die "timed out after ${secs}s waiting for $what"
}

# install_file PATH MODE OWNER <content: replaces PATH only if the content differs; 0 if it changed.
install_file() {
  local path=$1 mode=$2 owner=$3 tmp
  tmp=$(mktemp "$path.XXXXXX")
  cat >"$tmp"
  chmod "$mode" "$tmp"; chown "$owner" "$tmp"
  if cmp -s "$tmp" "$path"; then
    rm -f "$tmp"
    chmod "$mode" "$path"; chown "$owner" "$path"
    return 1
  fi
  mv -f "$tmp" "$path"
}

# Running and not a zombie: PID 1 here reaps orphans late, so /proc/PID lingers in state Z.
pid_alive() {
  local st
  st=$(awk '/^State:/ {print $2; exit}' "/proc/$1/status" 2>/dev/null) || return 1
  [ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}
pid_is() { pid_alive "$1" && [ "$(cat "/proc/$1/comm" 2>/dev/null)" = "$2" ]; }

# Pid from a pidfile, only if that process is alive and named COMM.
pidfile_pid() {
  local f=$1 comm=$2 pid
  [ -r "$f" ] || return 1
  pid=$(head -n 1 "$f" 2>/dev/null | tr -dc 0-9)
  [ -n "$pid" ] && pid_is "$pid" "$comm" && echo "$pid"
}
# Removes a pidfile whose process is gone (daemons running as non-root leave them behind).
rm_stale_pidfile() { [ -e "$1" ] && ! pidfile_pid "$1" "$2" >/dev/null && rm -f "$1"; return 0; }

# State file lines: "COMM PID PIDFILE" of daemons this script family started, in start order.
state_file() { echo "$GRID_STATE_DIR/$1.pids"; }
record_pid() {
  local sf; sf=$(state_file "$1")
  mkdir -p "$GRID_STATE_DIR"
  grep -qs "^$2 $3 " "$sf" || echo "$2 $3 $4" >>"$sf"
}
# Drops entries whose process is gone, so a half-dead grid is restarted cleanly.
prune_state() {
  local sf comm pid pf; sf=$(state_file "$1")
  [ -f "$sf" ] || return 0
  local keep=""
  while read -r comm pid pf; do
    [ -n "$pid" ] && pid_is "$pid" "$comm" && keep+="$comm $pid $pf"$'\n'
  done <"$sf"
  if [ -n "$keep" ]; then printf '%s' "$keep" >"$sf"; else rm -f "$sf"; fi
}
is_recorded() { grep -qs "^$2 $3 " "$(state_file "$1")"; }

# stop_pid PID COMM [PIDFILE]: SIGTERM, then SIGKILL after GRID_STOP_TIMEOUT.
stop_pid() {
  local pid=$1 comm=$2 pf=${3:-}
  if pid_is "$pid" "$comm"; then
    log "stopping $comm (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    local deadline=$(( $(_now_us) + GRID_STOP_TIMEOUT * 1000000 ))
    while pid_alive "$pid"; do
      if (( $(_now_us) >= deadline )); then
        log "$comm (pid $pid) ignored SIGTERM for ${GRID_STOP_TIMEOUT}s, sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
        deadline=$(( $(_now_us) + 5000000 ))
        while pid_alive "$pid"; do
          (( $(_now_us) < deadline )) || die "$comm (pid $pid) survived SIGKILL"
          sleep 0.1
        done
        break
      fi
      sleep 0.1
    done
  else
    log "$comm (pid $pid) already gone"
  fi
  # Only remove the pidfile if it still names the pid we stopped (not a newer daemon).
  if [ -n "$pf" ] && [ -f "$pf" ] && [ "$(head -n 1 "$pf" | tr -dc 0-9)" = "$pid" ]; then rm -f "$pf"; fi
  return 0
}

# Stops every recorded daemon of GROUP in reverse start order, then forgets them.
stop_recorded() {
  local sf comm pid pf; sf=$(state_file "$1")
  [ -f "$sf" ] || return 0
  while read -r comm pid pf; do
    [ -n "$pid" ] && stop_pid "$pid" "$comm" "$pf"
  done < <(tac "$sf")
  rm -f "$sf"
}

_grid_policy_created=0
_grid_cleanup() { if [ "$_grid_policy_created" = 1 ]; then rm -f /usr/sbin/policy-rc.d; _grid_policy_created=0; fi; }
trap _grid_cleanup EXIT

# Installs the missing packages among $@ without letting dpkg start any service.
apt_ensure() {
  local p missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q ' installed$' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  mkdir -p "$GRID_STATE_DIR"
  log "installing ${missing[*]}"
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\n# temporary, from %s: keep apt from starting services\nexit 101\n' "$0" >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    _grid_policy_created=1
  fi
  local apt=(timeout "$GRID_APT_TIMEOUT" apt-get -y -q -o DPkg::Lock::Timeout=120
             -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
  if ! "${apt[@]}" install --no-install-recommends "${missing[@]}" >"$GRID_STATE_DIR/apt.log" 2>&1; then
    log "apt-get install failed, retrying after apt-get update"
    "${apt[@]}" update >>"$GRID_STATE_DIR/apt.log" 2>&1 || die "apt-get update failed (see $GRID_STATE_DIR/apt.log)"
    "${apt[@]}" install --no-install-recommends "${missing[@]}" >>"$GRID_STATE_DIR/apt.log" 2>&1 ||
      die "apt-get install ${missing[*]} failed (see $GRID_STATE_DIR/apt.log)"
  fi
  _grid_cleanup
}

# Daemons resolve their own name; if it does not resolve at all, nothing works.
ensure_hostname_resolves() {
  local h; h=$(hostname)
  getent hosts "$h" >/dev/null 2>&1 && return 0
  log "hostname $h does not resolve, adding it to /etc/hosts"
  echo "127.0.1.1 $h" >>/etc/hosts
}

# Starts CMD detached: no inherited stdio (a caller's $(...) or CI pipe would never close), own session.
spawn_detached() {
  local logf=$1; shift
  setsid "$@" </dev/null >>"$logf" 2>&1 &
}
