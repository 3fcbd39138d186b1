#!/usr/bin/env bash
# Installs the reference tools the benchmarks use (not needed to build, test or run): pgbench, from Debian's
# postgresql-15 package, and the HTTP load generator wrk. Run as root (or with sudo) on Debian or Ubuntu.
set -euo pipefail
packages=()
if ! command -v pgbench >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/pgbench >/dev/null 2>&1; then
  packages+=(postgresql-15)
fi
if ! command -v wrk >/dev/null 2>&1; then
  packages+=(wrk)
fi
if [ ${#packages[@]} -eq 0 ]; then
  echo "pgbench and wrk are already installed"
  exit 0
fi
apt-get update
apt-get install -y "${packages[@]}"
