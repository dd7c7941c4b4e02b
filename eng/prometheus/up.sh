#!/usr/bin/env bash
# Installs (if needed) Debian's prometheus package for the scrape test (tests/ParallelLint.Runtime.Tests/Telemetry),
# which starts a private server of its own: a temporary config and storage, a free port, killed when it is done.
# The packaged service is kept stopped and disabled, so that no system daemon holds port 9090 or scrapes anything.
# Idempotent. Knobs: GRID_APT_TIMEOUT (s, 900), GRID_STATE_DIR (/run/parallellint-grid, for apt.log).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../grid/lib.sh
. "$(dirname "$0")/../grid/lib.sh"
require_root_apt

# apt_ensure keeps dpkg from starting the service on install (policy-rc.d); an earlier install by hand may have.
apt_ensure prometheus
if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
  systemctl disable --now prometheus.service >/dev/null 2>&1 || true
elif [ -x /etc/init.d/prometheus ]; then
  update-rc.d prometheus disable >/dev/null 2>&1 || true
  /etc/init.d/prometheus stop >/dev/null 2>&1 || true
fi

version=$(prometheus --version 2>&1 | head -n 1) || die "prometheus does not run: $version"
log "$version"
