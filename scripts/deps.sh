#!/usr/bin/env bash
# deps.sh: installs the Debian packages the build, the private cluster and
# the tests need. As root it runs apt-get; otherwise it prints the command.
#   deps.sh           everything (make test)
#   deps.sh --run     what make run needs
#   deps.sh --dashboard   what make check-dashboard needs besides the build:
#                     Debian's Chromium (driven by playwright-core; no
#                     browser download) and a CJK font for the page's text
#   deps.sh --bench   what make run needs, and the benchmarks' clients
#                     (curl, wrk, jq)
#   deps.sh --fuzz    what make fuzz needs: the libraries the fuzz targets
#                     link, clang (libFuzzer) and its runtime for
#                     LeakSanitizer
set -euo pipefail

mode=${1:-}
libs=(build-essential pkg-config libmicrohttpd-dev libjansson-dev libpq-dev
      libssl-dev libxlsxwriter-dev ca-certificates)
# python3-openpyxl: the tests read the XLSX export back with Debian's
# /usr/bin/python3 (tests/tools/xlsx_cells.py)
case $mode in
    --run) ;;
    --dashboard) libs=(fonts-noto-cjk) ;;
    --fuzz) libs+=(clang libclang-rt-14-dev) ;;
    --bench) libs+=(curl) ;;
    *) libs+=(check libcurl4-openssl-dev clang-format curl python3-openpyxl
              fonts-noto-cjk) ;;
esac

missing=()
for p in "${libs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
        missing+=("$p")
done
# Tools are looked for as commands, so that other builds of them (Node.js
# from another repository, say) count as present.
if [ "$mode" != "--fuzz" ]; then
    ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
    command -v psql >/dev/null || missing+=(postgresql-client)
fi
if [ "$mode" = --bench ]; then
    command -v wrk >/dev/null || missing+=(wrk)
    command -v jq >/dev/null || missing+=(jq)
fi
if [ "$mode" != "--run" ] && [ "$mode" != "--fuzz" ] && [ "$mode" != "--bench" ]; then
    command -v node >/dev/null || missing+=(nodejs)
    command -v npm >/dev/null || missing+=(npm)
    [ -x /usr/bin/chromium ] || missing+=(chromium)
fi
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
