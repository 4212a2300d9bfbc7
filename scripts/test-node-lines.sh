#!/usr/bin/env bash
# The supported Node lines besides the machine's: Node 22, 24 and 26, installed
# from the npm registry (the node-linux-<arch> packages) into a temporary prefix,
# never into this project. On each: the core, auth and client suites. Then the
# consumer test (tests/consumer/) on the machine's Node and on each of them.
# CI runs it after `npm test`.
#
#   bash scripts/test-node-lines.sh            Node 22, 24 and 26
#   bash scripts/test-node-lines.sh 24         only Node 24
set -euo pipefail
cd "$(dirname "$0")/.."

LINES=("$@")
[ ${#LINES[@]} -gt 0 ] || LINES=(22 24 26)
SUITES=(tests/http tests/config tests/internals tests/auth tests/client)

case "$(uname -m)" in
  x86_64) ARCH=x64 ;;
  aarch64 | arm64) ARCH=arm64 ;;
  *)
    echo "test-node-lines: no node-linux package for $(uname -m)" >&2
    exit 1
    ;;
esac

PREFIX="$(mktemp -d "${TMPDIR:-/tmp}/dara-node-lines-XXXXXX")"
trap 'rm -rf "$PREFIX"' EXIT

NODES=()
for line in "${LINES[@]}"; do
  npm install --prefix "$PREFIX/node$line" --no-audit --no-fund --silent \
    "node-linux-$ARCH@$line"
  NODES+=("$PREFIX/node$line/node_modules/node-linux-$ARCH/bin/node")
done

# As npm scripts do (.npmrc): the suites run the TypeScript source.
export NODE_OPTIONS=--conditions=dara-ts-source
mapfile -t FILES < <(find "${SUITES[@]}" -name '*.test.ts' | sort)
for node in "${NODES[@]}"; do
  echo "test-node-lines: ${SUITES[*]} on Node $("$node" --version)"
  # tsx runs the tests with the Node binary that runs it.
  "$node" node_modules/tsx/dist/cli.mjs --test --test-concurrency=2 --test-reporter=dot \
    "${FILES[@]}"
done

CONSUMER_ARGS=()
for node in "${NODES[@]}"; do CONSUMER_ARGS+=(--node "$node"); done
node node_modules/tsx/dist/cli.mjs tests/consumer/run.ts "${CONSUMER_ARGS[@]}"
