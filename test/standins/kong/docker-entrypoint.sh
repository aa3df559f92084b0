#!/usr/bin/env bash
# As docker-kong's entrypoint: `kong docker-start` starts the proxy in the
# foreground; anything else is exec'd. The gateway reads KONG_DECLARATIVE_CONFIG
# as this user and exits non-zero when it cannot, as Kong does.
set -Eeo pipefail
if [[ "$1" == "kong" && "$2" == "docker-start" ]]; then
  exec /standin/bin/node /standin/gateway.js
fi
exec "$@"
