#!/usr/bin/env bash
# Stops the SGE daemons sge-up.sh started (pids in $GRID_STATE_DIR/sge.pids), after deleting all jobs.
# No-op when nothing is recorded. Knobs: GRID_STATE_DIR, GRID_STOP_TIMEOUT (s before SIGKILL, 30).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
export SGE_ROOT=/var/lib/gridengine SGE_CELL=default

sf=$(state_file sge)
if [ ! -s "$sf" ]; then log "nothing recorded, nothing to stop"; exit 0; fi
require_root

# Delete jobs only through a qmaster we own.
read -r _ qmaster _ < <(grep '^sge_qmaster ' "$sf" || true) || true
if [ -n "${qmaster:-}" ] && pid_is "$qmaster" sge_qmaster; then
  if [ -n "$(timeout 10 qstat -u '*' 2>/dev/null)" ]; then
    timeout 10 qdel -f -u '*' >/dev/null 2>&1 || log "qdel -f -u '*' failed"
    queue_empty() { [ -z "$(timeout 5 qstat -u '*')" ]; }
    wait_until 20 queue_empty || log "WARNING: jobs still in qstat after 20s, stopping anyway"
  fi
fi
# sge_qmaster needs ~9 s for its controlled shutdown.
stop_recorded sge
log "down"
