#!/usr/bin/env bash
# Builds the sample app and the benchmarks harness from this checkout, runs every part
# of the benchmarks (about 14 minutes on 2 cores, the build included) and writes
# benchmarks/RESULTS.md.
#
#   benchmarks/run.sh                 all eight parts -> benchmarks/RESULTS.md
#   benchmarks/run.sh --only 2,3      some parts     -> benchmarks/target/RESULTS-partial.md
#   benchmarks/run.sh --quick         a short check of the harness, no figures to report
#
# Needs a JDK 17 or newer (JAVA_HOME or java on the PATH) and Linux (/proc); run it on an
# otherwise quiet machine: RESULTS.md records what else used the CPU meanwhile.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s%3N)

./mvnw -q -Pbenchmarks -pl benchmarks,sample-app -am package -DskipTests

# part 6 runs on a real LiteFS cluster, loaded by Vegeta: both are built from the Go
# module proxy into a cache folder when Go is there; without them part 6 says it skipped
if command -v go >/dev/null 2>&1 && [ -e /dev/fuse ]; then
	scripts/install-litefs.sh >/dev/null
	benchmarks/install-vegeta.sh >/dev/null
fi

java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
jar=$(ls sample-app/target/litefs-sample-app-*.jar)
exec "$java" -Xms512m -Xmx512m \
  -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
  dev.litefs.benchmarks.BenchmarkSuite --app "$jar" --started "$started" "$@"
