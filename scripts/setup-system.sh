#!/usr/bin/env bash
# Installs the Debian packages that some test suites and benchmarks need, when
# they are missing. CI calls it before `npm test`; run it once by hand (as root,
# or with sudo) to run those suites on your machine. Without it, `npm test`
# skips them with the reason; with CI=true a skip is a failure.
#
#   bash scripts/setup-system.sh           what `npm test` needs (CI runs this)
#   bash scripts/setup-system.sh --bench   that, plus the FastAPI baseline of `npm run bench`
set -euo pipefail

BENCH=false
for arg in "$@"; do
  case "$arg" in
    --bench) BENCH=true ;;
    *)
      echo "setup-system: unknown option $arg (use --bench or nothing)" >&2
      exit 2
      ;;
  esac
done

# One package a line: the command it provides, then the Debian package.
PACKAGES=(
  "redis-server redis-server"   # the Redis session store's tests
  "chromium chromium"           # browser tests, through playwright-core
  "wrk wrk"                     # npm run bench (autocannon is the fallback)
  "/usr/sbin/haproxy haproxy"   # the load-balancer suite (tests/scale/) and its bench
  "/usr/bin/python3 python3"    # Debian's Python, for the scripts below
)
# Modules of Debian's Python (/usr/bin/python3, whatever else is first on PATH):
# the import name, then the Debian package.
PY_MODULES=(
  "requests python3-requests"   # the notebook example's test
)
# Only for `npm run bench` (bench/baselines/fastapi_app.py); CI does not need them.
BENCH_PY_MODULES=(
  "fastapi python3-fastapi"
  "uvicorn python3-uvicorn"
  "uvloop python3-uvloop"
  "httptools python3-httptools"
  "jwt python3-jwt"
)
if [ "$BENCH" = true ]; then
  PY_MODULES+=("${BENCH_PY_MODULES[@]}")
fi

missing=()
for row in "${PACKAGES[@]}"; do
  read -r cmd pkg <<<"$row"
  command -v "$cmd" >/dev/null 2>&1 || missing+=("$pkg")
done
for row in "${PY_MODULES[@]}"; do
  read -r mod pkg <<<"$row"
  /usr/bin/python3 -c "import $mod" >/dev/null 2>&1 || missing+=("$pkg")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup-system: every package is there"
  exit 0
fi
echo "setup-system: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup-system: done"
