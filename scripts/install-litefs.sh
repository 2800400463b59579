#!/usr/bin/env bash
# Installs what the real-LiteFS tests need, and nothing at test time:
#  - LiteFS v0.5.14, built by `go install` from the Go module proxy into a cache folder
#    outside the work tree (reused when it is already there);
#  - Debian's fuse3 (fusermount3) when it is missing.
# Prints the binary's path. The tests find it as this script puts it: LITEFS_BIN, then
# ${XDG_CACHE_HOME:-$HOME/.cache}/litefs-spring-boot/litefs-v0.5.14/litefs, then PATH.
set -euo pipefail

as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

if ! command -v fusermount3 >/dev/null 2>&1; then
	echo "install-litefs: installing Debian's fuse3 (fusermount3)" >&2
	as_root apt-get update -qq
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fuse3 >/dev/null
fi

# `litefs version` says "LiteFS 0.5.14"
bin="$("$(dirname "$0")/go-install.sh" litefs github.com/superfly/litefs/cmd/litefs v0.5.14 0.5.14)"
"$bin" version >&2
echo "$bin"
