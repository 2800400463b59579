#!/usr/bin/env bash
# Builds the sample app's jar and the benchmarks, then runs them all in one run on a real
# two-node LiteFS cluster and writes one table of figures, each beside what it is compared
# with (see benchmarks/README.md).
#
#   benchmarks/run.sh           -> benchmarks/RESULTS.md (about 10 minutes on 2 cores)
#   benchmarks/run.sh --quick   -> benchmarks/target/RESULTS-quick.md (about 4 minutes: a check, not figures)
#
# Needs Linux (/proc, /dev/fuse), a JDK 17 or newer and Go (LiteFS and Vegeta are built from
# the Go module proxy into a cache folder by scripts/install-litefs.sh and install-vegeta.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

./mvnw -q -Pbenchmarks -pl benchmarks,sample-app -am package -DskipTests
scripts/install-litefs.sh >/dev/null
benchmarks/install-vegeta.sh >/dev/null

java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
exec "$java" -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
  dev.litefs.benchmarks.Bench --app "$(ls sample-app/target/litefs-sample-app-*.jar)" "$@"
