#!/usr/bin/env bash
# Makes sure a Redis is reachable for the tests and prints its URL on stdout (everything else on stderr).
#   1. REDIS_URL when it answers;
#   2. 127.0.0.1:6379 when it answers;
#   3. otherwise starts redis-server on a free port with AOF on and noeviction, installing Debian's
#      redis-server package first when the binary is missing. Its pid goes to $REDIS_PID_FILE.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
log() { printf 'ensure-redis: %s\n' "$*" >&2; }

if [[ -n "${REDIS_URL:-}" ]]; then
  hostport=${REDIS_URL#*://}; hostport=${hostport##*@}; hostport=${hostport%%/*}
  if "$here/redis-ping.sh" "${hostport%%:*}" "${hostport##*:}"; then
    log "using REDIS_URL"; echo "$REDIS_URL"; exit 0
  fi
  log "REDIS_URL does not answer; looking for another Redis"
fi
if "$here/redis-ping.sh" 127.0.0.1 6379; then
  log "using the Redis at 127.0.0.1:6379"; echo "redis://127.0.0.1:6379"; exit 0
fi

if ! command -v redis-server >/dev/null 2>&1; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    log "redis-server is missing: installing Debian's redis-server package"
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >&2
  else
    log "no Redis answers and redis-server is not installed: install it (Debian/Ubuntu: sudo apt-get install -y redis-server; macOS: brew install redis) or set REDIS_URL"
    exit 1
  fi
fi

port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
dir=$(mktemp -d)
redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --appendonly yes --maxmemory-policy noeviction \
  --save '' --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" >&2
for _ in $(seq 1 50); do
  if "$here/redis-ping.sh" 127.0.0.1 "$port"; then
    [[ -n "${REDIS_PID_FILE:-}" ]] && cp "$dir/redis.pid" "$REDIS_PID_FILE"
    log "started redis-server on port $port (data in $dir)"
    echo "redis://127.0.0.1:$port"; exit 0
  fi
  sleep 0.1
done
log "redis-server did not answer within 5 s; see $dir/redis.log"
exit 1
