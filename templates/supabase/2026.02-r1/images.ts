// Image contracts of template 2026.02-r1: what each image pinned in this
// folder's docker-compose.yml does, as read from its upstream
// Dockerfile/entrypoint. lib/stack/check-contracts.ts holds buildStackSpec's
// output to these facts, and the stand-in images (test/standins/) follow them.
// Every fact names its source; where none could be found the source says
// "not found: ..." and the value is the strictest assumption (null ids: the
// checker credits only the "other" permission bits).
//
// Upstream repositories were read as snapshots at the tags the compose file
// pins (commit in `upstream`), except where `upstream.note` says otherwise.
import type { ImageContract } from "@/templates/supabase/contract-types";
import { ALPINE_BUSYBOX_WGET, DOCKER_USER_ROOT_GROUP, NO_USER, ROOT } from "@/templates/supabase/contract-types";

const OURS = (what: string) => `ours: templates/supabase/2026.02-r1/docker-compose.yml ${what}`;

export const IMAGE_CONTRACTS: Record<string, ImageContract> = {
  kong: {
    service: "kong",
    image: "kong:2.8.1",
    upstream: {
      repo: "Kong/docker-kong",
      ref: "2.8.1",
      commit: "8a361ad78d4f84b67e893588fd3a6108bea67fe7",
      files: ["alpine/Dockerfile", "docker-entrypoint.sh"],
    },
    user: {
      uid: 100,
      gid: 65533,
      user: "kong",
      group: "nogroup",
      source:
        "Kong/docker-kong@8a361ad alpine/Dockerfile: `adduser -S kong` then `USER kong` (FROM alpine:3.16). " +
        'busybox loginutils/adduser.c (mirror/busybox@38d3e64d): -S without -G uses group "nogroup" and the first free uid from CONFIG_FIRST_SYSTEM_ID; ' +
        "alpinelinux/aports@05253d2c main/busybox/busyboxconfig: CONFIG_FIRST_SYSTEM_ID=100; " +
        "aports@0e733c2d main/alpine-baselayout/passwd: uid 100 is free; group: nogroup:x:65533. " +
        "(`addgroup -S kong` creates a kong group that is not the user's primary group.)",
    },
    startsAsRoot: { value: false, source: "alpine/Dockerfile: `USER kong` before ENTRYPOINT" },
    entrypoint: { value: ["/docker-entrypoint.sh"], source: "alpine/Dockerfile ENTRYPOINT" },
    cmd: { value: ["kong", "docker-start"], source: "alpine/Dockerfile CMD; docker-entrypoint.sh runs `kong prepare` then execs nginx" },
    tools: {
      kong: { value: true, source: "alpine/Dockerfile installs /usr/local/bin/kong (HEALTHCHECK CMD kong health)" },
      bash: { value: true, source: "alpine/Dockerfile: apk add ... bash; docker-entrypoint.sh is #!/usr/bin/env bash" },
      wget: { value: true, source: ALPINE_BUSYBOX_WGET },
      sh: { value: true, source: "alpine base: busybox /bin/sh; the Dockerfile's HEALTHCHECK is in shell form, run by /bin/sh -c" },
      curl: { value: false, source: "alpine/Dockerfile: curl is in .build-deps, removed by `apk del .build-deps`" },
      node: { value: false, source: "alpine/Dockerfile installs no node" },
    },
    imageHealthcheck: {
      value: ["CMD-SHELL", "kong health"],
      source: "alpine/Dockerfile HEALTHCHECK --interval=10s --timeout=10s --retries=10 CMD kong health",
    },
    reads: [
      {
        path: "/home/kong/kong.yml",
        secret: true,
        source: OURS("kong: KONG_DECLARATIVE_CONFIG=/home/kong/kong.yml (upstream renders it to ~/kong.yml as the kong user)"),
      },
    ],
    writes: [
      {
        path: "/usr/local/kong",
        owner: { uid: 100, gid: 0, mode: 0o775 },
        source: "alpine/Dockerfile: chown -R kong:0 /usr/local/kong; chmod -R g=u (the prefix `kong prepare` writes)",
      },
      { path: "/home/kong", owner: { uid: 100, gid: 65533, mode: 0o2755 }, source: "busybox adduser.c: creates the home, chown uid:gid, chmod 02755" },
    ],
  },

  auth: {
    service: "auth",
    image: "supabase/gotrue:v2.186.0",
    upstream: { repo: "supabase/auth", ref: "v2.186.0", commit: "effd66245bd981ba5a07aa6b7441ad37578f9b73", files: ["Dockerfile"] },
    user: {
      uid: 1000,
      gid: 1000,
      user: "supabase",
      group: "supabase",
      source:
        "supabase/auth@effd662 Dockerfile: `adduser -D -u 1000 supabase`, `USER supabase` (FROM alpine:3); busybox adduser.c passwd_study: without -G the new group's gid = uid",
    },
    startsAsRoot: { value: false, source: "Dockerfile: USER supabase" },
    entrypoint: { value: null, source: "Dockerfile sets no ENTRYPOINT" },
    cmd: { value: ["auth"], source: 'Dockerfile CMD ["auth"] (/usr/local/bin/auth, symlinked as gotrue)' },
    tools: {
      wget: { value: true, source: ALPINE_BUSYBOX_WGET },
      curl: { value: false, source: "Dockerfile adds only ca-certificates to alpine:3" },
      sh: { value: true, source: "alpine base: busybox sh" },
      node: { value: false, source: "Dockerfile installs no node" },
    },
    imageHealthcheck: { value: null, source: "Dockerfile has no HEALTHCHECK" },
    reads: [],
    writes: [],
    mailLinks: {
      value: "resolve-reference",
      source:
        "supabase/auth@effd662 internal/mailer/templatemailer/templatemailer.go: ConfirmationURL = externalURL.ResolveReference(getPath(URLPaths.*, token/type/redirect_to)); templatemailer_url_test.go TestGetPath: base path /removedpath is replaced by an absolute path",
    },
  },

  rest: {
    service: "rest",
    image: "postgrest/postgrest:v14.5",
    upstream: {
      repo: "PostgREST/postgrest",
      ref: "v14.5",
      commit: "d89826b982808407b67f5db378515db1e6b5d13f",
      files: ["nix/tools/docker/default.nix", "Dockerfile"],
      note: "x86-64 image is built by Nix (default.nix); Dockerfile is the aarch64 image",
    },
    user: {
      uid: 1000,
      gid: 0,
      user: "1000",
      group: "root",
      source: `nix/tools/docker/default.nix: config.User = "1000", copyToRoot = postgrest only (no /etc/passwd); ${DOCKER_USER_ROOT_GROUP}`,
    },
    startsAsRoot: { value: false, source: 'default.nix User = "1000"' },
    entrypoint: { value: null, source: "default.nix sets no Entrypoint" },
    cmd: { value: ["/bin/postgrest"], source: 'default.nix Cmd = [ "/bin/postgrest" ] (our template passes ["postgrest"], found on Docker\'s default PATH)' },
    tools: {
      postgrest: { value: true, source: "default.nix copyToRoot = postgrest" },
      sh: { value: false, source: "default.nix: a single static binary, no shell" },
      wget: { value: false, source: "default.nix: a single static binary" },
      curl: { value: false, source: "default.nix: a single static binary" },
      node: { value: false, source: "default.nix: a single static binary" },
    },
    imageHealthcheck: { value: null, source: "default.nix has no Healthcheck" },
    reads: [],
    writes: [],
  },

  realtime: {
    service: "realtime",
    image: "supabase/realtime:v2.78.15",
    upstream: { repo: "supabase/realtime", ref: "v2.78.15", commit: "eeba89e1245556dc94d4a7851114c13e82c6718f", files: ["Dockerfile", "run.sh"] },
    user: {
      ...ROOT,
      source: `supabase/realtime@eeba89e ${NO_USER("Dockerfile")}; run.sh runs migrations as \`sudo -E -u nobody\` and then \`exec "$@"\` (the server) as root`,
    },
    startsAsRoot: { value: true, source: "Dockerfile: no USER" },
    entrypoint: { value: ["/usr/bin/tini", "-s", "-g", "--", "/app/run.sh"], source: "Dockerfile ENTRYPOINT" },
    cmd: { value: ["/app/bin/server"], source: "Dockerfile CMD" },
    tools: {
      curl: { value: true, source: "Dockerfile: apt-get install ... tini curl awscli jq" },
      sh: { value: true, source: "debian:bookworm-slim base" },
      wget: { value: false, source: "Dockerfile installs no wget on debian slim" },
      node: { value: false, source: "runner stage installs no node (node is in the builder stage only)" },
    },
    imageHealthcheck: { value: null, source: "Dockerfile has no HEALTHCHECK" },
    reads: [],
    writes: [],
  },

  storage: {
    service: "storage",
    image: "supabase/storage-api:v1.44.2",
    upstream: { repo: "supabase/storage", ref: "v1.44.2", commit: "757edbe4cde0d893d725435127863a2c66d0c2fd", files: ["Dockerfile"] },
    user: {
      ...ROOT,
      source: `supabase/storage@757edbe ${NO_USER("Dockerfile")}; base node:24-alpine3.23 (nodejs/docker-node@0001669c 24/alpine3.23/Dockerfile) creates user node but sets no USER`,
    },
    startsAsRoot: { value: true, source: "no USER in Dockerfile or its node base" },
    entrypoint: { value: ["docker-entrypoint.sh"], source: "inherited from node:24-alpine3.23 (nodejs/docker-node 24/alpine3.23/Dockerfile ENTRYPOINT)" },
    cmd: { value: ["node", "dist/start/server.js"], source: "Dockerfile CMD" },
    tools: {
      wget: { value: true, source: ALPINE_BUSYBOX_WGET },
      curl: { value: false, source: "node:24-alpine3.23 removes curl (`apk del .build-deps`); storage's Dockerfile adds g++ make python3 only" },
      node: { value: true, source: "node:24-alpine3.23 base" },
      sh: { value: true, source: "alpine base: busybox sh" },
    },
    imageHealthcheck: { value: null, source: "Dockerfile has no HEALTHCHECK" },
    reads: [],
    writes: [
      {
        path: "/var/lib/storage",
        owner: "absent",
        source: `${OURS("storage: FILE_STORAGE_BACKEND_PATH=/var/lib/storage")}; the Dockerfile creates no such directory`,
      },
    ],
  },

  imgproxy: {
    service: "imgproxy",
    image: "darthsim/imgproxy:v3.30.1",
    upstream: { repo: "imgproxy/imgproxy", ref: "v3.30.1", commit: "62224b4414db836d3e61359e2beeb0cc25b13861", files: ["docker/Dockerfile"] },
    user: {
      uid: 999,
      gid: null,
      user: "imgproxy",
      group: "imgproxy",
      source:
        "imgproxy/imgproxy@62224b4 docker/Dockerfile: `groupadd -r imgproxy && useradd -r -u 999 -g imgproxy imgproxy`, `USER 999`. " +
        "not found: the numeric gid (groupadd -r picks a free system gid at build time; the Dockerfile does not state it)",
    },
    startsAsRoot: { value: false, source: "docker/Dockerfile: USER 999" },
    entrypoint: { value: ["entrypoint.sh"], source: "docker/Dockerfile ENTRYPOINT" },
    cmd: { value: ["imgproxy"], source: "docker/Dockerfile CMD" },
    tools: {
      imgproxy: { value: true, source: "docker/Dockerfile: /usr/local/bin/imgproxy (its `health` subcommand is the template's check)" },
      bash: { value: true, source: "docker/Dockerfile: apt-get install bash (ubuntu:noble)" },
      curl: { value: false, source: "docker/Dockerfile installs no curl" },
      wget: { value: false, source: "docker/Dockerfile installs no wget" },
      node: { value: false, source: "docker/Dockerfile installs no node" },
    },
    imageHealthcheck: { value: null, source: "docker/Dockerfile has no HEALTHCHECK" },
    reads: [{ path: "/var/lib/storage", source: OURS("imgproxy mounts the storage volume; IMGPROXY_LOCAL_FILESYSTEM_ROOT=/ (reads what storage wrote)") }],
    writes: [],
  },

  meta: {
    service: "meta",
    image: "supabase/postgres-meta:v0.95.2",
    upstream: { repo: "supabase/postgres-meta", ref: "v0.95.2", commit: "a56f296b79a47b8c695ec0769456399fc15db63b", files: ["Dockerfile", "package.json"] },
    user: { ...ROOT, source: `supabase/postgres-meta@a56f296 ${NO_USER("Dockerfile (FROM node:20-slim)")}` },
    startsAsRoot: { value: true, source: "Dockerfile: no USER" },
    entrypoint: { value: ["docker-entrypoint.sh"], source: "inherited from node:20-slim" },
    cmd: { value: ["node", "dist/server/server.js"], source: "Dockerfile CMD (WORKDIR /usr/src/app); package.json engines node >=20" },
    tools: {
      node: { value: true, source: "node:20-slim base" },
      sh: { value: true, source: "node:20-slim (Debian) base: /bin/sh; the Dockerfile's own HEALTHCHECK is in shell form, run by /bin/sh -c" },
      curl: { value: false, source: "Dockerfile installs only ca-certificates" },
      wget: { value: false, source: "Dockerfile installs only ca-certificates" },
    },
    imageHealthcheck: {
      value: ["CMD-SHELL", "node -e \"fetch('http://localhost:8080/health').then((r) => {if (r.status !== 200) throw new Error(r.status)})\""],
      source: "Dockerfile HEALTHCHECK --interval=5s --timeout=5s --retries=3",
    },
    reads: [],
    writes: [],
  },

  functions: {
    service: "functions",
    image: "supabase/edge-runtime:v1.70.3",
    upstream: { repo: "supabase/edge-runtime", ref: "v1.70.3", commit: "5e81d99895e79abc8c1f9e95601efbad3c079cbf", files: ["Dockerfile"] },
    user: { ...ROOT, source: `supabase/edge-runtime@5e81d99 ${NO_USER("Dockerfile (edge-runtime stage FROM debian:bookworm-slim)")}` },
    startsAsRoot: { value: true, source: "Dockerfile: no USER" },
    entrypoint: { value: ["edge-runtime"], source: 'Dockerfile ENTRYPOINT ["edge-runtime"]' },
    cmd: { value: null, source: "Dockerfile sets no CMD (our template passes start --main-service /home/deno/functions/main)" },
    tools: {
      "edge-runtime": { value: true, source: "Dockerfile: /usr/local/bin/edge-runtime" },
      curl: { value: false, source: "Dockerfile installs libssl-dev and BLAS/LAPACK only" },
      wget: { value: false, source: "Dockerfile installs libssl-dev and BLAS/LAPACK only" },
      node: { value: false, source: "Dockerfile installs no node" },
      sh: { value: true, source: "debian:bookworm-slim base (edge-runtime stage)" },
      bash: { value: true, source: "debian:bookworm-slim ships bash (our functions health check runs it, as upstream's later compose does)" },
      timeout: { value: true, source: "debian:bookworm-slim: coreutils (timeout)" },
    },
    imageHealthcheck: { value: null, source: "Dockerfile has no HEALTHCHECK" },
    reads: [
      {
        path: "/home/deno/functions/main/index.ts",
        source: OURS("functions: --main-service /home/deno/functions/main (upstream mounts ./volumes/functions there)"),
      },
      { path: "/home/deno/functions/hello/index.ts", source: OURS("functions: files") },
    ],
    writes: [
      { path: "/home/deno/functions", owner: "absent", source: "Dockerfile creates no /home/deno; ours: the functions volume (shared with studio)" },
      { path: "/root/.cache/deno", owner: "absent", source: "Dockerfile creates no deno cache directory; ours: deno-cache volume" },
    ],
  },

  analytics: {
    service: "analytics",
    image: "supabase/logflare:1.31.2",
    upstream: { repo: "Logflare/logflare", ref: "v1.31.2", commit: "b2ca6e765d5546ed26b0002199ba33969e48aa19", files: ["Dockerfile", "run.sh"] },
    user: { ...ROOT, source: `Logflare/logflare@b2ca6e7 ${NO_USER("Dockerfile (runner FROM debian:trixie-slim)")}` },
    startsAsRoot: { value: true, source: "Dockerfile: no USER" },
    entrypoint: { value: null, source: "Dockerfile sets no ENTRYPOINT" },
    cmd: { value: ["sh", "run.sh"], source: "Dockerfile CMD (WORKDIR /opt/app/rel/logflare/bin); run.sh migrates then `./logflare start`" },
    tools: {
      curl: { value: true, source: "Dockerfile: apt-get install -y curl libstdc++6 openssl locales" },
      sh: { value: true, source: "debian slim base" },
      wget: { value: false, source: "Dockerfile installs no wget" },
      node: { value: false, source: "runner stage installs no node" },
    },
    imageHealthcheck: { value: null, source: "Dockerfile has no HEALTHCHECK" },
    reads: [],
    writes: [],
  },

  db: {
    service: "db",
    image: "supabase/postgres:15.8.1.085",
    upstream: {
      repo: "supabase/postgres",
      ref: "15.8.1.004 (newest in the stored snapshot)",
      commit: "7db7e1a9e34b9ffb9b0e3372ccf08eb4fa772f4b",
      files: ["Dockerfile-15"],
      note: "not found: tag 15.8.1.085 is not in the stored snapshot (last commit 2024-10-23); facts read from Dockerfile-15 at that commit",
    },
    user: {
      uid: null,
      gid: null,
      user: "postgres",
      group: "postgres",
      source:
        "supabase/postgres@7db7e1a Dockerfile-15: `adduser --system --home /var/lib/postgresql --no-create-home --shell /bin/bash --group postgres` (ubuntu:focal); " +
        "ENTRYPOINT docker-entrypoint.sh from docker-library/postgres (15/bullseye, read at docker-library/postgres@7e5e7ece) re-execs itself as postgres via gosu. " +
        "not found: the numeric uid/gid (adduser --system assigns them at build time)",
    },
    startsAsRoot: {
      value: true,
      source: "Dockerfile-15: no USER; the docker-library entrypoint runs as root, prepares directories, then `exec gosu postgres`",
    },
    entrypoint: { value: ["docker-entrypoint.sh"], source: "Dockerfile-15 ENTRYPOINT" },
    cmd: { value: ["postgres", "-D", "/etc/postgresql"], source: "Dockerfile-15 CMD" },
    tools: {
      pg_isready: { value: true, source: "Dockerfile-15 HEALTHCHECK CMD pg_isready -U postgres -h localhost" },
      psql: { value: true, source: "Dockerfile-15: nix profile install .#psql_15/bin" },
      curl: { value: true, source: "Dockerfile-15 base stage: apt install curl gnupg ... wget sudo" },
      wget: { value: true, source: "Dockerfile-15 base stage: apt install ... wget" },
      sh: { value: true, source: "ubuntu:focal base" },
    },
    imageHealthcheck: {
      value: ["CMD-SHELL", "pg_isready -U postgres -h localhost"],
      source: "Dockerfile-15 HEALTHCHECK --interval=2s --timeout=2s --retries=10",
    },
    reads: [
      { path: "/docker-entrypoint-initdb.d/migrations/99-realtime.sql", source: OURS("db volumes (init SQL, read by the entrypoint as postgres)") },
      { path: "/docker-entrypoint-initdb.d/init-scripts/98-webhooks.sql", source: OURS("db volumes") },
      { path: "/docker-entrypoint-initdb.d/init-scripts/99-roles.sql", source: OURS("db volumes") },
      { path: "/docker-entrypoint-initdb.d/init-scripts/99-jwt.sql", source: OURS("db volumes") },
      { path: "/docker-entrypoint-initdb.d/migrations/97-_supabase.sql", source: OURS("db volumes") },
      { path: "/docker-entrypoint-initdb.d/migrations/99-logs.sql", source: OURS("db volumes") },
      { path: "/docker-entrypoint-initdb.d/migrations/99-pooler.sql", source: OURS("db volumes") },
    ],
    writes: [
      {
        path: "/var/lib/postgresql/data",
        owner: "absent",
        preparedByEntrypoint:
          "docker-library/postgres docker-entrypoint.sh docker_create_db_directories: as root, mkdir/chmod 700/chown postgres on PGDATA before gosu",
        source: "Dockerfile-15: PGDATA default; ours: db-data volume",
      },
      {
        path: "/etc/postgresql-custom",
        owner: { account: "process-user", mode: 0o755 },
        source:
          "Dockerfile-15: `mkdir -p /etc/postgresql-custom && chown postgres:postgres /etc/postgresql-custom` (mode not stated: mkdir default 0755); ours: db-config volume",
      },
    ],
  },

  vector: {
    service: "vector",
    image: "timberio/vector:0.53.0-alpine",
    upstream: {
      repo: "vectordotdev/vector",
      ref: "v0.53.0",
      commit: "2b51b40a7a0b40996350d73cf46791c7e991fcb6",
      files: ["distribution/docker/alpine/Dockerfile"],
    },
    user: { ...ROOT, source: `vectordotdev/vector@2b51b40 ${NO_USER("distribution/docker/alpine/Dockerfile (FROM alpine:3.23)")}` },
    startsAsRoot: { value: true, source: "Dockerfile: no USER" },
    entrypoint: { value: ["/usr/local/bin/vector"], source: "Dockerfile ENTRYPOINT" },
    cmd: { value: null, source: "Dockerfile sets no CMD (our template passes --config /etc/vector/vector.yml)" },
    tools: {
      wget: { value: true, source: ALPINE_BUSYBOX_WGET },
      curl: { value: false, source: "Dockerfile: apk add ca-certificates tzdata only" },
      node: { value: false, source: "Dockerfile installs no node" },
      sh: { value: true, source: "alpine base: busybox sh" },
    },
    imageHealthcheck: { value: null, source: "Dockerfile has no HEALTHCHECK" },
    reads: [{ path: "/etc/vector/vector.yml", source: OURS("vector: command --config /etc/vector/vector.yml") }],
    writes: [{ path: "/var/lib/vector", owner: { uid: 0, gid: 0, mode: 0o755 }, source: "Dockerfile: mkdir -p /var/lib/vector (builder, as root), copied in" }],
  },

  supavisor: {
    service: "supavisor",
    image: "supabase/supavisor:2.7.4",
    upstream: { repo: "supabase/supavisor", ref: "v2.7.4", commit: "0224a24c809e091aa1fd13333669a85c8b5f29f2", files: ["Dockerfile", "limits.sh"] },
    user: {
      ...ROOT,
      source: `supabase/supavisor@0224a24 ${NO_USER("Dockerfile (runner FROM debian bullseye-slim)")}; limits.sh sets ulimit and \`exec "$@"\``,
    },
    startsAsRoot: { value: true, source: "Dockerfile: no USER" },
    entrypoint: { value: ["/usr/bin/tini", "-s", "-g", "--", "/app/limits.sh"], source: "Dockerfile ENTRYPOINT" },
    cmd: { value: ["/app/bin/server"], source: "Dockerfile CMD (our template runs /bin/sh -c migrate, eval pooler.exs, server)" },
    tools: {
      curl: { value: true, source: "Dockerfile: apt-get install ... vim curl htop ..." },
      sh: { value: true, source: "debian slim base (our template's command is /bin/sh -c)" },
      wget: { value: false, source: "Dockerfile installs no wget" },
      node: { value: false, source: "Dockerfile installs no node" },
    },
    imageHealthcheck: { value: null, source: "Dockerfile has no HEALTHCHECK" },
    reads: [
      { path: "/etc/pooler/pooler.exs", source: OURS("supavisor: command reads $(cat /etc/pooler/pooler.exs)") },
      // Only with an installation certificate (lib/stack/build-stack-spec.ts poolerTls).
      {
        path: "/etc/supavisor/tls/server.crt",
        source: "supabase/supavisor config/runtime.exs@0490e97: GLOBAL_DOWNSTREAM_CERT_PATH must name an existing file (raises otherwise)",
      },
      {
        path: "/etc/supavisor/tls/server.key",
        source: "supabase/supavisor config/runtime.exs@0490e97: GLOBAL_DOWNSTREAM_KEY_PATH must name an existing file (raises otherwise)",
      },
    ],
    writes: [],
  },

  studio: {
    service: "studio",
    image: "supabase/studio:2026.02.16-sha-26c615c",
    upstream: {
      repo: "supabase/supabase",
      ref: "index copy of apps/studio/Dockerfile",
      commit: "07a67b3827b235f10ea10bc7ea5331a88d2813c9",
      files: ["apps/studio/Dockerfile"],
      note: "not found: the 2026.02.16 tag (the supabase/supabase snapshot is over the fetch size limit); read the indexed apps/studio/Dockerfile at the commit named",
    },
    user: { ...ROOT, source: `supabase/supabase@07a67b3 ${NO_USER("apps/studio/Dockerfile (production stage FROM node:22-slim)")}` },
    startsAsRoot: { value: true, source: "apps/studio/Dockerfile: no USER" },
    entrypoint: { value: ["docker-entrypoint.sh"], source: "apps/studio/Dockerfile production ENTRYPOINT" },
    cmd: { value: ["node", "apps/studio/server.js"], source: "apps/studio/Dockerfile production CMD" },
    tools: {
      node: { value: true, source: "node:22-slim base; HEALTHCHECK uses node -e fetch(...)" },
      curl: { value: false, source: "production stage adds nothing to node:22-slim's apt set (git, python3, ca-certificates, build-essential)" },
    },
    imageHealthcheck: {
      value: ["CMD-SHELL", "node -e \"fetch('http://localhost:3000/api/platform/profile').then((r) => {if (r.status !== 200) throw new Error(r.status)})\""],
      source: "apps/studio/Dockerfile HEALTHCHECK --interval=5s --timeout=5s --retries=3",
    },
    reads: [],
    writes: [
      { path: "/app/snippets", owner: "absent", source: "apps/studio/Dockerfile: WORKDIR /app, no snippets directory; ours: SNIPPETS_MANAGEMENT_FOLDER" },
      { path: "/app/edge-functions", owner: "absent", source: "apps/studio/Dockerfile: no edge-functions directory; ours: EDGE_FUNCTIONS_MANAGEMENT_FOLDER" },
    ],
  },
};
