#!/usr/bin/env bash
# Where Kindling spends a workload's time: runs the workloads whose ids match REGEX (Kindling
# only, no libtorch) under Java Flight Recorder and prints the hottest methods and the largest
# allocation sites, using the `jfr view` tool of JDK 25 (its views read JDK 17 recordings too).
#
#   benchmarks/profile.sh 'softmax'            # 1 thread, JDK 17
#   THREADS=2 benchmarks/profile.sh 'conv-64-fwdbwd'
#
# Run benchmarks/run.sh (or its two mvn builds) once first. Recordings stay in
# benchmarks/results/*.jfr.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
regex=${1:?usage: profile.sh WORKLOAD-REGEX}
threads=${THREADS:-1}
java17=${JAVA17_HOME:+$JAVA17_HOME/bin/}java
jfr=${JAVA25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/jfr
cp="$root/target/kindling-0.1.0-SNAPSHOT.jar:$here/target/classes:$(cat "$here/target/classpath.txt")"
name=$(echo "$regex" | tr -c 'a-zA-Z0-9-' '_')
rec="$here/results/$name-t$threads.jfr"
mkdir -p "$here/results"
"$java17" --add-modules jdk.incubator.vector -Xms3g -Xmx3g -XX:+AlwaysPreTouch -XX:+UseTransparentHugePages \
    -XX:StartFlightRecording=filename="$rec",settings=profile -Xlog:jfr=warning \
    -cp "$cp" dev.kindling.bench.BenchMain --out="$here/results/$name-profile.tsv" --no-libtorch \
    --threads="$threads" --budget="${BUDGET:-20}" --only="$regex"
"$jfr" view --width 200 hot-methods "$rec"
"$jfr" view --width 200 allocation-by-site "$rec"
