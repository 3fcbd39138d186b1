#!/usr/bin/env bash
# Installs the reference tools the benchmarks compare against (not needed to build, test or run):
# pgbench, from Debian's postgresql-15 package. Run as root (or with sudo) on Debian or Ubuntu.
set -euo pipefail
if command -v pgbench >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/pgbench >/dev/null 2>&1; then
  echo "pgbench is already installed"
  exit 0
fi
apt-get update
apt-get install -y postgresql-15 || apt-get install -y postgresql
