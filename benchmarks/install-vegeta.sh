#!/usr/bin/env bash
# Installs Vegeta, the HTTP load generator of the benchmarks' real-cluster part, by
# `go install` from the Go module proxy into a cache folder outside the work tree (reused
# when it is already there). Prints the binary's path. The harness finds it as this
# script puts it: VEGETA_BIN, then
# ${XDG_CACHE_HOME:-$HOME/.cache}/litefs-spring-boot/vegeta-v12.12.0/vegeta, then PATH.
set -euo pipefail

version="v12.12.0"
dir="${XDG_CACHE_HOME:-$HOME/.cache}/litefs-spring-boot/vegeta-$version"
bin="$dir/vegeta"

if [ ! -x "$bin" ]; then
	if ! command -v go >/dev/null 2>&1; then
		echo "install-vegeta: Go is missing; install Go to build Vegeta $version" >&2
		exit 1
	fi
	echo "install-vegeta: building Vegeta $version into $dir" >&2
	mkdir -p "$dir"
	GOBIN="$dir" GOFLAGS=-mod=mod go install "github.com/tsenart/vegeta/v12@$version"
fi
echo "$bin"
