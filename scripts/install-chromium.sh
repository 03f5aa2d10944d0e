#!/usr/bin/env bash
# Install Debian's chromium for the browser test (scripts/setup.sh --test runs this when
# chromium is missing). When another apt or dpkg holds the package lock (unattended
# upgrades after boot, a second terminal), wait for it, up to APT_LOCK_TIMEOUT seconds
# (default 300), naming the process; when the install still fails, say why in apt's words.
# Exit status 1 then: the rest of the suite runs anyway, the browser test skips (and fails
# in CI, where WORKBENCH_REQUIRE_BROWSER=1).
set -uo pipefail

timeout=${APT_LOCK_TIMEOUT:-300}
poll=2
later="the browser test will not run until then"

sudo=()
if [[ $(id -u) -ne 0 ]]; then
    if ! command -v sudo >/dev/null 2>&1; then
        echo "setup: could not install chromium: apt-get needs root and there is no sudo here." \
            "Install it as root (apt-get install chromium); $later" >&2
        exit 1
    fi
    sudo=(sudo)
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT

holder() {  # "process 1234 (unattended-upgr)", from apt's "It is held by process ..."
    grep -o 'held by process [0-9]* ([^)]*)' "$log" | head -n 1 | sed 's/^held by //'
}

apt_get() {  # apt-get ARGS..., tried again while another package manager holds the lock
    local waited=0
    while true; do
        if "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -qq "$@" >/dev/null 2>"$log"; then
            return 0
        fi
        if ! grep -q "Could not get lock" "$log"; then
            return 1
        fi
        if (( waited >= timeout )); then
            echo "setup: could not install chromium: the package lock is still held by $(holder)" \
                "after ${timeout}s. When it has finished, run scripts/setup.sh --test again; $later" >&2
            return 2
        fi
        if (( waited == 0 )); then
            echo "setup: another package manager, $(holder), holds the package lock;" \
                "waiting up to ${timeout}s for it to finish" >&2
        fi
        sleep "$poll"
        waited=$((waited + poll))
    done
}

echo "setup: installing Debian's chromium for the browser test" >&2
apt_get update && apt_get install -y chromium
status=$?
if (( status == 1 )); then
    reason=$(grep -m 1 '^E: ' "$log" || tail -n 1 "$log")
    echo "setup: could not install chromium (apt-get: ${reason:-no message}); $later" >&2
fi
(( status == 0 ))
