#!/bin/bash
# As realtime's run.sh: raise the file limit, then exec the server as root.
set -euo pipefail
if [ -n "${RLIMIT_NOFILE:-}" ]; then ulimit -Sn "$RLIMIT_NOFILE"; fi
exec "$@"
