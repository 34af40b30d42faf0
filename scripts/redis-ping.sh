#!/usr/bin/env bash
# Usage: redis-ping.sh HOST PORT — exits 0 when a Redis answers PING there within a second.
# Plain bash (/dev/tcp), so it works where redis-cli is not installed.
host=${1:-127.0.0.1}
port=${2:-6379}
{ exec 3<>"/dev/tcp/$host/$port"; } 2>/dev/null || exit 1
printf 'PING\r\n' >&3
IFS= read -r -t 1 reply <&3 || exit 1
exec 3>&-
[[ "$reply" == "+PONG"* ]]
