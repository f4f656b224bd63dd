#!/usr/bin/env bash
# Measures the demo: seconds from `./ioc demo` to the first KPI value on a WebSocket client, and the demo's
# resident memory (all its processes) after it has run for a while. Build is excluded (done first).
# Usage: bench/demo-startup.sh [settle_seconds]   (ports: IOC_DASHBOARD_PORT, default 18080)
set -euo pipefail
cd "$(dirname "$0")/.."
settle="${1:-30}"
port="${IOC_DASHBOARD_PORT:-18080}"
export IOC_DASHBOARD_PORT="$port" IOC_INGEST_PORT="${IOC_INGEST_PORT:-18081}"
mvn -B -q -DskipTests package
cp="standalone/target/standalone-0.1.0-SNAPSHOT.jar:$(cat standalone/target/classpath.txt)"
log=$(mktemp)
start_ms=$(date +%s%3N)
./ioc demo >"$log" 2>&1 &
demo=$!
trap 'kill $demo 2>/dev/null || true; wait $demo 2>/dev/null || true' EXIT
echo "[bench] demo started (pid $demo), waiting for the first KPI on ws://localhost:$port/ws/v1" >&2
java -cp "$cp" vn.ioc.pulse.standalone.WsProbe "$port" "$start_ms" 120
for i in $(seq 1 "$settle"); do
  [ $((i % 10)) -eq 0 ] && echo "[bench] settling ${i}/${settle} s" >&2
  sleep 1   # the demo runs on its own here: this is the measured period, not a race fix
done
rss_kb=0
for pid in $demo $(pgrep -P $demo || true); do
  kb=$(awk '/VmRSS/ {print $2}' /proc/$pid/status 2>/dev/null || echo 0)
  rss_kb=$((rss_kb + kb))
done
printf 'demo_rss_mb_after_%ss=%d\n' "$settle" $((rss_kb / 1024))
