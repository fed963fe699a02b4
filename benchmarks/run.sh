#!/usr/bin/env bash
# Kindling against libtorch 2.10 CPU, side by side: builds the library and the benchmarks
# offline, runs every workload on JDK 17 (Kindling and libtorch under each of its thread
# settings, alternating in one JVM), then again on JDK 25 (Kindling, and libtorch under the
# setting that won on JDK 17), and writes the Markdown table to benchmarks/results/table.md.
#
#   benchmarks/run.sh                      # everything, about nine minutes on 2 cores
#   benchmarks/run.sh --only='sgemm.*'     # a subset (options go to both runs)
#
# Budgets (seconds of measuring, shared adaptively by the workloads): BENCH_BUDGET (JDK 17,
# default 280) and BENCH_BUDGET_JDK25 (default 140; 0 skips the JDK 25 run). JDKs: JAVA17_HOME
# (default: the java on PATH) and JAVA25_HOME (default /usr/lib/jvm/temurin-25-jdk-amd64).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
results=$here/results
java17=${JAVA17_HOME:+$JAVA17_HOME/bin/}java
java25=${JAVA25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
budget=${BENCH_BUDGET:-280}
budget25=${BENCH_BUDGET_JDK25:-140}
start=$(date +%s)

mvn -q -o -f "$root/pom.xml" -Dmaven.test.skip=true package
mvn -q -o -f "$here/pom.xml" compile dependency:build-classpath
cp="$root/target/kindling-0.1.0-SNAPSHOT.jar:$here/target/classes:$(cat "$here/target/classpath.txt")"
mkdir -p "$results"

# libtorch at its best: OpenMP threads sleep instead of spinning when idle, and JavaCPP does not
# measure the process size on every native allocation.
export OMP_WAIT_POLICY=PASSIVE
# OpenBLAS's idle threads spin for about 2^28 cycles (OPENBLAS_THREAD_TIMEOUT=28) before they
# sleep: each libtorch sample would leave a spinning thread on a core while the next Kindling
# sample runs, which halved Kindling's 2-thread sgemm 1024² (14.7 against 7.9 ms) and left
# libtorch's own times unchanged (11.5 against 11.7 ms; MLP step 3.0 against 3.1 ms). 4 is
# OpenBLAS's shortest spin.
export OPENBLAS_THREAD_TIMEOUT=4
# Huge pages for both sides. Where the first touch of a 4 KiB page is expensive (a VM that hands
# freed guest pages back to its host costs ~50 µs a page), glibc's malloc returning libtorch's
# large blocks to the kernel would make every allocating op pay that again, and a JVM heap grows
# into fresh pages: glibc's malloc uses transparent huge pages, and the JVM pre-touches a fixed
# heap on them, so that both are measured in their steady state.
export GLIBC_TUNABLES=glibc.malloc.hugetlb=1
jvm=(--add-modules jdk.incubator.vector -Xms3g -Xmx3g -XX:+AlwaysPreTouch -XX:+UseTransparentHugePages
     -Dorg.bytedeco.javacpp.maxPhysicalBytes=0)

"$java17" "${jvm[@]}" -cp "$cp" dev.kindling.bench.BenchMain --out="$results/jdk17.tsv" --budget="$budget" "$@"
rm -f "$results/jdk25.tsv"
if [ "$budget25" != 0 ] && [ -x "$java25" ]; then
  "$java25" "${jvm[@]}" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -cp "$cp" \
      dev.kindling.bench.BenchMain --out="$results/jdk25.tsv" --budget="$budget25" --timing=best:"$results/jdk17.tsv" "$@"
fi
"$java17" -cp "$cp" dev.kindling.bench.Report "$results/jdk17.tsv" "$results/jdk25.tsv" > "$results/table.md"
echo "table: $results/table.md (total $(( $(date +%s) - start )) s)"
