#!/usr/bin/env bash
# deps.sh: installs the Debian packages the build, the private cluster and
# the tests need. As root it runs apt-get; otherwise it prints the command.
set -euo pipefail

packages=(build-essential pkg-config libmicrohttpd-dev libjansson-dev
          libpq-dev libssl-dev check libcurl4-openssl-dev postgresql
          postgresql-client clang-format nodejs npm curl ca-certificates)
[ "${1:-}" = "--runtime" ] && packages=(build-essential pkg-config
    libmicrohttpd-dev libjansson-dev libpq-dev libssl-dev postgresql
    postgresql-client ca-certificates)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' \
        || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
    echo "deps: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
    echo "deps: missing packages; run:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
fi
