#!/usr/bin/env bash
# Stops the Slurm daemons slurm-up.sh started (pids in $GRID_STATE_DIR/slurm.pids), after cancelling all jobs.
# No-op when nothing is recorded. Knobs: GRID_STATE_DIR, GRID_STOP_TIMEOUT (s before SIGKILL, 30).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

sf=$(state_file slurm)
if [ ! -s "$sf" ]; then log "nothing recorded, nothing to stop"; exit 0; fi
require_root

# Cancel jobs only through a slurmctld we own: someone else's cluster is not ours to empty.
read -r _ ctld _ < <(grep '^slurmctld ' "$sf" || true) || true
if [ -n "${ctld:-}" ] && pid_is "$ctld" slurmctld; then
  users=$(timeout 10 squeue -h -o %u 2>/dev/null | sort -u || true)
  for u in $users; do timeout 10 scancel -u "$u" || log "scancel -u $u failed"; done
  queue_empty() { [ -z "$(timeout 5 squeue -h -o %i)" ]; }
  wait_until 20 queue_empty || log "WARNING: jobs still in squeue after 20s, stopping anyway"
fi
stop_recorded slurm
log "down"
