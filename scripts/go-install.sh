#!/usr/bin/env bash
# Builds a Go command by `go install` of a pinned version from the Go module proxy into a
# cache folder outside the work tree, ${XDG_CACHE_HOME:-$HOME/.cache}/litefs-spring-boot/NAME-VERSION/,
# reused when it is already there, and prints the binary's path.
#   scripts/go-install.sh NAME PACKAGE VERSION [SHOWN_VERSION]
# SHOWN_VERSION (VERSION by default) becomes main.Version, which `NAME version` prints.
set -euo pipefail

name="$1"
package="$2"
version="$3"
shown="${4:-$version}"
dir="${XDG_CACHE_HOME:-$HOME/.cache}/litefs-spring-boot/$name-$version"
bin="$dir/$name"

if [ ! -x "$bin" ]; then
	if ! command -v go >/dev/null 2>&1; then
		echo "go-install: Go is missing; install Go 1.21+ to build $name $version" >&2
		exit 1
	fi
	echo "go-install: building $name $version into $dir" >&2
	mkdir -p "$dir"
	GOBIN="$dir" GOFLAGS=-mod=mod go install -ldflags "-X main.Version=$shown" "$package@$version"
fi
echo "$bin"
