#!/usr/bin/env bash
# CityStream's end-to-end benchmark: starts a Kafka broker (../shared/kafka) and, when installed, a redis-server, each on a
# free port, runs every measurement in ONE run (CityStream, Esper, Kafka Streams, Flink, plain Streamiz, raw Kafka, the plain
# limit) and prints one table with each figure and each ratio; the table is also written to benchmarks/last-run.md.
#   benchmarks/run-e2e.sh [e2e options]      e.g. --n 2000000 --kafka-n 1000000 (see: ... -- e2e --help)
# Stops what it started on exit.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
shared=${CITYSTREAM_SHARED:-$(cd "$root/../shared" && pwd)}
kafka="$shared/kafka/kafka.sh"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
kport=""; rport=""; rdir=""
cleanup() {
  [[ -n $kport ]] && "$kafka" stop "$kport" >/dev/null 2>&1 || true
  [[ -n $rport ]] && redis-cli -p "$rport" shutdown nosave >/dev/null 2>&1 || true
  [[ -n $rdir ]] && rm -rf "$rdir"
}
trap cleanup EXIT

echo "building (Release) ..." >&2
if ! dotnet build -c Release "$here/CityStream.Benchmarks/CityStream.Benchmarks.csproj" -nologo -v q >&2; then
  [[ -f $here/CityStream.Benchmarks/bin/Release/net10.0/CityStream.Benchmarks.dll ]] || exit 1
  echo "build failed (see above): running the last built benchmark binary" >&2
fi

args=(--shared "$shared")
# the broker's controller listens on PORT+1: take a free port whose successor is free too
for _ in 1 2 3 4 5; do
  p=$(free_port)
  if ! (echo >/dev/tcp/127.0.0.1/$((p + 1))) 2>/dev/null; then kport=$p; break; fi
done
echo "starting Kafka on $kport ..." >&2
bootstrap=$("$kafka" start "$kport" | tail -1)
args+=(--bootstrap "$bootstrap")

if command -v redis-server >/dev/null; then
  rport=$(free_port); rdir=$(mktemp -d)
  redis-server --port "$rport" --bind 127.0.0.1 --save '' --appendonly no --dir "$rdir" --daemonize yes >/dev/null
  for _ in $(seq 1 50); do redis-cli -p "$rport" ping >/dev/null 2>&1 && break; sleep 0.1; done
  args+=(--redis "127.0.0.1:$rport")
else
  echo "redis-server not installed: the KafkaHost runs without its Redis sink" >&2
fi

{
  echo "# e2e run $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) cores, $(awk '/MemTotal/{printf "%.1f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "command: benchmarks/run-e2e.sh $*"
  echo
  dotnet run -c Release --no-build --project "$here/CityStream.Benchmarks" -- e2e "${args[@]}" "$@"
} | tee "$here/last-run.md"
