#!/usr/bin/env bash
# Installs Litestream for the backup tests, and nothing at test time: v0.3.14, built by
# `go install` from the Go module proxy into a cache folder outside the work tree, as
# scripts/install-litefs.sh builds LiteFS (its SQLite driver needs cgo: a C compiler).
# Prints the binary's path. The tests find it as this script puts it: LITESTREAM_BIN, then
# ${XDG_CACHE_HOME:-$HOME/.cache}/litefs-spring-boot/litestream-v0.3.14/litestream, then PATH.
set -euo pipefail

bin="$("$(dirname "$0")/go-install.sh" litestream github.com/benbjohnson/litestream/cmd/litestream v0.3.14)"
"$bin" version >&2
echo "$bin"
