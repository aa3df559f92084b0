#!/bin/bash
set -euo pipefail
if [ -n "${RLIMIT_NOFILE:-}" ]; then ulimit -n "$RLIMIT_NOFILE" || true; fi
exec "$@"
