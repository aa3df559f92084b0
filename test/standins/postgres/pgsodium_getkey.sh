#!/bin/bash
# STAND-IN for the script the supabase/postgres images install as
# /usr/lib/postgresql/bin/pgsodium_getkey.sh (Dockerfile-15 @7db7e1a and
# Dockerfile-17 @010fb48b: `COPY --chown=postgres:postgres
# ansible/files/pgsodium_getkey_urandom.sh.j2 …`), named by both
# `pgsodium.getkey_script` and (17) `vault.getkey_script`. Same behaviour: the
# root key lives in /etc/postgresql-custom (the db-config volume); it is made
# from 32 random bytes, hex, the first time, and printed every time.
set -euo pipefail
KEY_FILE=/etc/postgresql-custom/pgsodium_root.key
if [[ ! -f "$KEY_FILE" ]]; then
  head -c 32 /dev/urandom | od -A n -t x1 | tr -d ' \n' >"$KEY_FILE"
fi
cat "$KEY_FILE"
