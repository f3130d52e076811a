#!/usr/bin/env bash
# Installs what Ballast needs on a fresh Debian/Ubuntu (or macOS) machine that has Node >= 20:
# pnpm 10, nats-server, the workspace's dependencies; then builds every package.
# Safe to run again: each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  echo "Ballast needs Node.js 20 or newer (found: $(node --version 2>/dev/null || echo none))." >&2
  exit 1
fi

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# corepack's pnpm fails on this kind of machine ("No compatible signature found"); npm works.
if ! pnpm --version 2>/dev/null | grep -q '^10\.'; then
  say "installing pnpm 10"
  npm install --global --no-fund --no-audit pnpm@10
fi

# Debian puts nats-server in /usr/sbin, which is not on PATH for every user.
if ! command -v nats-server >/dev/null && [ ! -x /usr/sbin/nats-server ] && [ -z "${NATS_SERVER_BIN:-}" ]; then
  if command -v apt-get >/dev/null; then
    say "installing nats-server (apt-get)"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nats-server
  elif command -v brew >/dev/null; then
    say "installing nats-server (brew)"
    brew install nats-server
  else
    echo "nats-server is missing: install nats-server 2.9 or newer and put it on PATH (or set NATS_SERVER_BIN)." >&2
    exit 1
  fi
fi

# The dashboard's browser tests drive Debian's chromium with playwright-core (never a
# downloaded browser). Only `pnpm test` needs it; BALLAST_NO_CHROMIUM=1 skips the install.
if [ ! -x /usr/bin/chromium ] && [ -z "${BALLAST_NO_CHROMIUM:-}" ] && command -v apt-get >/dev/null; then
  say "installing chromium (apt-get) for the browser tests"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
fi

say "installing dependencies"
pnpm install --frozen-lockfile
say "building"
pnpm build --output-logs=errors-only
say "ready"
