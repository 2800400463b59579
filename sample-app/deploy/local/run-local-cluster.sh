#!/usr/bin/env bash
# A two-node LiteFS cluster on this machine: node-a (primary, app on :8081, LiteFS API
# on :20202) and node-b (replica, app on :8082, LiteFS API on :20203), each running the
# sample app under `litefs mount`. Waits until both apps answer, prints their URLs, and
# stops both on Ctrl-C. NODE_A_PORT, NODE_B_PORT (the apps), NODE_A_LITEFS_PORT and
# NODE_B_LITEFS_PORT (the LiteFS APIs) choose other ports; a port something else
# listens on stops the script, which names it.
#
# Needs: a litefs binary (0.5) on PATH or in LITEFS_BIN, FUSE (/dev/fuse and fuse3's
# fusermount3), java 17+, and the sample app's jar, built with
#   ./mvnw -pl sample-app -am package -DskipTests
# It downloads nothing. LOCAL_CLUSTER_DIR (default sample-app/target/local-cluster)
# holds both nodes' mounts, LiteFS data and logs.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"

# prints the first argument after the script's name, each further one on its own line
fail() {
	printf 'run-local-cluster: %s\n' "$1" >&2
	shift
	[ "$#" -eq 0 ] || printf '  %s\n' "$@" >&2
	exit 1
}

if [ -n "${LITEFS_BIN:-}" ]; then
	[ -x "$LITEFS_BIN" ] || fail "LITEFS_BIN=$LITEFS_BIN is not an executable file." \
		"Point it at a litefs 0.5 binary, or unset it to use the litefs on PATH."
	litefs="$LITEFS_BIN"
elif litefs="$(command -v litefs)"; then
	:
else
	fail "no litefs binary: none on PATH, and LITEFS_BIN is not set." \
		"This script runs LiteFS, it does not fetch it. Install litefs 0.5 (a single binary:" \
		"https://github.com/superfly/litefs/releases, or /usr/local/bin/litefs in the flyio/litefs:0.5" \
		"image), then put it on PATH or run: LITEFS_BIN=/path/to/litefs $0"
fi
[ -e /dev/fuse ] || fail "/dev/fuse is missing: LiteFS mounts a FUSE file system." \
	"Install fuse3 (in a container: run it with --device /dev/fuse --cap-add SYS_ADMIN)."
if [ "$(id -u)" -ne 0 ] && ! command -v fusermount3 >/dev/null; then
	fail "fusermount3 is missing: install fuse3, or run this script as root."
fi
command -v java >/dev/null || fail "java is missing: the sample app needs Java 17 or newer."
jar=""
for candidate in "$repo"/sample-app/target/litefs-sample-app-*.jar; do
	[ -f "$candidate" ] && jar="$candidate"
done
[ -n "$jar" ] || fail "the sample app's jar is missing; build it from $repo with:" \
	"  ./mvnw -pl sample-app -am package -DskipTests"

export SAMPLE_APP_JAR="$jar"
export LOCAL_CLUSTER_DIR="${LOCAL_CLUSTER_DIR:-$repo/sample-app/target/local-cluster}"
# the ports, which both nodes' litefs-*.yml take from here
export NODE_A_PORT="${NODE_A_PORT:-8081}" NODE_B_PORT="${NODE_B_PORT:-8082}"
export NODE_A_LITEFS_PORT="${NODE_A_LITEFS_PORT:-20202}" NODE_B_LITEFS_PORT="${NODE_B_LITEFS_PORT:-20203}"

# true when something on this machine accepts connections on 127.0.0.1 at this port
listening() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

taken=()
example=""
for name in NODE_A_PORT NODE_B_PORT NODE_A_LITEFS_PORT NODE_B_LITEFS_PORT; do
	port="${!name}"
	[[ "$port" =~ ^[0-9]+$ ]] && [ "$port" -ge 1 ] && [ "$port" -le 65535 ] ||
		fail "$name=$port is not a port: give it a number from 1 to 65535."
	if listening "$port"; then
		case "$name" in
			NODE_A_PORT) what="node-a's app" ;;
			NODE_B_PORT) what="node-b's app" ;;
			NODE_A_LITEFS_PORT) what="node-a's LiteFS API" ;;
			NODE_B_LITEFS_PORT) what="node-b's LiteFS API" ;;
		esac
		taken+=("port $port, $what ($name), is taken: something listens on 127.0.0.1:$port.")
		example="${example:-$name=$((port + 10))}"
	fi
done
[ "${#taken[@]}" -eq 0 ] || fail "${taken[@]}" \
	"Stop what holds it, or give the cluster other ports, e.g.: $example $0" \
	"(NODE_A_PORT, NODE_B_PORT: the apps; NODE_A_LITEFS_PORT, NODE_B_LITEFS_PORT: the LiteFS APIs)"

# Lifts a node's FUSE mount if one is still there. LiteFS unmounts as it stops, except
# when its exec'd app exits non-zero: a JVM ended by SIGTERM exits with 143, and LiteFS
# 0.5 then exits ("cannot wait for exec process") leaving the mount behind, broken.
unmount_left() {
	local dir
	for dir in "$LOCAL_CLUSTER_DIR"/node-a/litefs "$LOCAL_CLUSTER_DIR"/node-b/litefs; do
		if grep -qF " $dir " /proc/self/mountinfo 2>/dev/null; then
			fusermount3 -uz "$dir" 2>/dev/null || umount -l "$dir" 2>/dev/null || true
		fi
	done
}
unmount_left
mkdir -p "$LOCAL_CLUSTER_DIR"/node-a/{litefs,data} "$LOCAL_CLUSTER_DIR"/node-b/{litefs,data}

pids=()
stop() {
	trap - EXIT INT TERM
	if [ "${#pids[@]}" -gt 0 ]; then
		echo "Stopping both nodes..."
		kill -TERM "${pids[@]}" 2>/dev/null || true
		wait "${pids[@]}" 2>/dev/null || true
	fi
	unmount_left
}
trap stop EXIT
trap 'exit 130' INT TERM

for node in node-a node-b; do
	"$litefs" mount -config "$here/litefs-$node.yml" >"$LOCAL_CLUSTER_DIR/$node.log" 2>&1 &
	pids+=("$!")
done

# true once the app on this port answers its health endpoint with 200
answers() {
	local status=""
	exec 3<>"/dev/tcp/127.0.0.1/$1" || return 1
	printf 'GET /actuator/health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
	read -r -t 5 status <&3 || true
	exec 3<&-
	[[ "$status" == "HTTP/1.1 200"* ]]
}

echo "Starting node-a (primary) and node-b (replica); logs in $LOCAL_CLUSTER_DIR/node-{a,b}.log"
deadline=$((SECONDS + 120))
for port in "$NODE_A_PORT" "$NODE_B_PORT"; do
	until answers "$port" 2>/dev/null; do
		for i in 0 1; do
			if ! kill -0 "${pids[$i]}" 2>/dev/null; then
				node=$([ "$i" -eq 0 ] && echo node-a || echo node-b)
				tail -n 20 "$LOCAL_CLUSTER_DIR/$node.log" >&2 || true
				fail "$node stopped before its app answered (log above, in $LOCAL_CLUSTER_DIR/$node.log)."
			fi
		done
		[ "$SECONDS" -lt "$deadline" ] || fail "the apps did not answer within 120 s; see $LOCAL_CLUSTER_DIR/node-{a,b}.log."
		sleep 1
	done
done

cat <<INFO

Two-node LiteFS cluster up:
  node-a  primary  http://127.0.0.1:$NODE_A_PORT  (LiteFS hostname 127.0.0.1)
  node-b  replica  http://127.0.0.1:$NODE_B_PORT
Write on either page: node-b forwards writes to node-a, and LiteFS replicates them back.
Ctrl-C stops both.
INFO

# until Ctrl-C, or until either node stops
wait -n "${pids[@]}" || true
fail "a node stopped; see $LOCAL_CLUSTER_DIR/node-{a,b}.log."
