#!/usr/bin/env bash
# Makes sure a Redis answers on 127.0.0.1:6379 (the task queue's broker in the worker tests
# and the scale benchmark): Debian's redis-server package, installed with apt when we are
# root, started without persistence if nothing answers. Idempotent.
set -euo pipefail
if ! command -v redis-server >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "redis: not found; installing Debian's redis-server package with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq redis-server >/dev/null
  else
    echo "redis: redis-server is not installed (apt-get install redis-server)" >&2
    exit 1
  fi
fi
if redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "redis: answering on 127.0.0.1:6379"
  exit 0
fi
echo "redis: not answering; starting it"
mkdir -p /var/lib/redis /var/log/redis
redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
  --dir /var/lib/redis --logfile /var/log/redis/ci.log
for _ in $(seq 30); do
  redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && exit 0
  sleep 1
done
echo "redis: did not answer after 30 s" >&2
exit 1
