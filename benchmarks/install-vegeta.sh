#!/usr/bin/env bash
# Installs Vegeta, the HTTP load generator of the benchmarks' real-cluster part, by
# `go install` from the Go module proxy into a cache folder outside the work tree (reused
# when it is already there). Prints the binary's path. The harness finds it as this
# script puts it: VEGETA_BIN, then
# ${XDG_CACHE_HOME:-$HOME/.cache}/litefs-spring-boot/vegeta-v12.12.0/vegeta, then PATH.
set -euo pipefail

"$(dirname "$0")/../scripts/go-install.sh" vegeta github.com/tsenart/vegeta/v12 v12.12.0
