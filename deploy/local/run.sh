#!/usr/bin/env bash
# Entry point of `npm start | test | bench | token`: installs Node 24 and the packages when
# they are missing or stale, then hands over to deploy/local/stack.mjs running on Node 24
# (the machine's own Node may be older; npm runs this script with whatever it has).
set -euo pipefail
cd "$(dirname "$0")/../.."

node24=node_modules/node/bin/node
if [ ! -x "$node24" ] || [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "› installing Node 24 and packages from the lockfile — first run only"
  # Not `npm ci`: it insists that the lockfile list the other platforms' optional binaries
  # (@swc/core-darwin-*, …), which a registry mirror may not serve, so it can refuse a lockfile that
  # `npm install` wrote. Every dependency is pinned exactly, and --no-save leaves the lockfile as it is.
  npm install --no-save --no-audit --no-fund --loglevel=error
fi
exec "$node24" deploy/local/stack.mjs "$@"
