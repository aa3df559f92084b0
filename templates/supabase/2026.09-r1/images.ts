// Image contracts of template 2026.09-r1 (see contract-types.ts for the shape
// and lib/stack/check-contracts.ts for how stacks are held to them).
//
// The gateway (Envoy) is new and was read from its own Dockerfile. Of the
// images that only moved to a newer tag, four were read again at that tag
// (`rereadAt`: gotrue, postgrest, imgproxy, logflare; the facts of the
// previous pin all still hold there). For the others the stored snapshots do
// not reach the new tag: their facts were read at the previous pin (template
// 2026.02-r1, commit in `upstream`), and `upstream.note` says so. The health
// checks upstream's compose file (supabase/supabase docker/docker-compose.yml
// @1f37f2a9) runs against these tags use only tools these facts list. The db
// (Postgres 17) has its own contract, read from Dockerfile-17.
import type { ImageContract } from "@/templates/supabase/contract-types";
import { NO_USER, ROOT } from "@/templates/supabase/contract-types";
import { IMAGE_CONTRACTS as PREVIOUS } from "@/templates/supabase/2026.02-r1/images";

const OURS = (what: string) => `ours: templates/supabase/2026.09-r1/docker-compose.yml ${what}`;
const COMPOSE = "supabase/supabase docker/docker-compose.yml @1f37f2a9";

/** The previous version's contract for the same image at a newer tag, marked as such. */
function newerTag(service: string, image: string, change: Partial<ImageContract> = {}): ImageContract {
  const prev = PREVIOUS[service]!;
  return {
    ...prev,
    image,
    upstream: {
      ...prev.upstream,
      note: `not found: ${image} is not in the stored snapshots; facts read at ${prev.image} (${prev.upstream.ref})${prev.upstream.note ? `; ${prev.upstream.note}` : ""}`,
    },
    // A behaviour fact is never carried to another tag: it must be read there.
    mailLinks: undefined,
    ...change,
  };
}

const prev = (service: string) => PREVIOUS[service]!;

/** The previous version's contract for the same image, read again at the new tag (each fact re-checked in the files named there). */
function rereadAt(service: string, image: string, ref: string, commit: string): ImageContract {
  const p = prev(service);
  return {
    ...p,
    image,
    upstream: { ...p.upstream, ref, commit, note: `facts re-read at ${ref}: unchanged from ${p.upstream.ref} (${p.upstream.commit.slice(0, 7)})` },
  };
}

const D17 = "supabase/postgres@010fb48b Dockerfile-17";
const UPGRADE_PG17 = "supabase/supabase@0b79087a docker/utils/upgrade-pg17.sh";

/**
 * Postgres 17, read from Dockerfile-17 (the newest stored; tag 17.6.1.136
 * itself is not in the stored snapshots). Where it differs from the 15 image:
 * ubuntu:noble instead of focal, so its postgres account (adduser --system)
 * has other ids, and its config includes /etc/postgresql-custom/conf.d.
 */
const DB_17: ImageContract = {
  ...prev("db"),
  image: "supabase/postgres:17.6.1.136",
  upstream: {
    repo: "supabase/postgres",
    ref: "Dockerfile-17 (newest stored)",
    commit: "010fb48bafe741a4d1bbe8d5bc456261caeb0a16",
    files: ["Dockerfile-17", "ansible/files/pgsodium_getkey_urandom.sh.j2", "migrations/db/migrations/10000000000000_demote-postgres.sql"],
    note:
      "not found: tag 17.6.1.136; Dockerfile-17 read at the commit named. The include of /etc/postgresql-custom/conf.d is not in that commit's postgresql.conf.j2: " +
      `it is from ${UPGRADE_PG17} ("PG17 config includes this directory; may not exist from PG15")`,
  },
  user: {
    uid: null,
    gid: null,
    user: "postgres",
    group: "postgres",
    source:
      `${D17}: FROM ubuntu:noble, \`adduser --system --home /var/lib/postgresql --no-create-home --shell /bin/bash --group --gecos "PostgreSQL administrator" postgres\` ` +
      "(Dockerfile-15: the same on ubuntu:focal); ENTRYPOINT docker-library's 17/bullseye docker-entrypoint.sh, which re-execs itself as postgres via gosu. " +
      `not found: the numeric uid/gid (adduser --system picks them at build time; ${UPGRADE_PG17}: "PG15 uid differs from PG17"). ` +
      "sqliteai/sqlite-sync#59 measured 101:102 on supabase/postgres:17.6.1.071 (Ubuntu 24.04); the stand-in uses that",
  },
  startsAsRoot: { value: true, source: `${D17}: no USER; the docker-library entrypoint runs as root, prepares directories, then \`exec gosu postgres\`` },
  entrypoint: { value: ["docker-entrypoint.sh"], source: `${D17} ENTRYPOINT` },
  cmd: { value: ["postgres", "-D", "/etc/postgresql"], source: `${D17} CMD` },
  tools: {
    pg_isready: { value: true, source: `${D17} HEALTHCHECK CMD pg_isready -U postgres -h localhost` },
    psql: { value: true, source: `${D17}: nix profile install .#psql_17/bin, linked into /usr/bin` },
    curl: { value: true, source: `${D17} base stage: apt install curl gnupg lsb-release software-properties-common wget sudo tree` },
    wget: { value: true, source: `${D17} base stage: apt install ... wget` },
    sh: { value: true, source: "ubuntu:noble base" },
  },
  imageHealthcheck: { value: ["CMD-SHELL", "pg_isready -U postgres -h localhost"], source: `${D17} HEALTHCHECK --interval=2s --timeout=2s --retries=10` },
  writes: [
    {
      path: "/var/lib/postgresql/data",
      owner: "absent",
      preparedByEntrypoint:
        "docker-library/postgres docker-entrypoint.sh docker_create_db_directories: as root, mkdir/chmod/chown postgres on PGDATA before gosu",
      source: `${D17}: ENV PGDATA=/var/lib/postgresql/data; ours: db-data volume`,
    },
    {
      path: "/etc/postgresql-custom",
      owner: { account: "process-user", mode: 0o755 },
      source:
        `${D17}: \`mkdir -p /etc/postgresql-custom && chown postgres:postgres /etc/postgresql-custom\`, supautils.conf, read-replica.conf, wal-g.conf and ` +
        "extension-custom-scripts COPY --chown=postgres:postgres there; pgsodium.getkey_script and vault.getkey_script (/usr/lib/postgresql/bin/pgsodium_getkey.sh) " +
        "make and read pgsodium_root.key there; ours: db-config volume (a 15 project's is handed to this postgres, with conf.d, by lib/docker/pg-upgrade.ts)",
    },
  ],
};

export const IMAGE_CONTRACTS: Record<string, ImageContract> = {
  "api-gw": {
    service: "api-gw",
    image: "envoyproxy/envoy:v1.39.1",
    upstream: {
      repo: "envoyproxy/envoy",
      ref: "ci/Dockerfile-envoy (newest stored), ci/docker-entrypoint.sh",
      commit: "019f458bf978aa5559491871896282c9122630a2",
      files: ["ci/Dockerfile-envoy", "ci/docker-entrypoint.sh"],
      note: "not found: the v1.39.1 tag itself; the stage that builds the envoy image (FROM ubuntu, adduser --group --system envoy, no USER) was read at the commit named",
    },
    user: {
      ...ROOT,
      source: `envoyproxy/envoy@019f458 ${NO_USER("ci/Dockerfile-envoy (envoy stage)")}; ${COMPOSE} replaces the entrypoint with /bin/sh /docker-entrypoint.sh, which execs envoy without su-exec, so Envoy runs as root`,
    },
    startsAsRoot: { value: true, source: "ci/Dockerfile-envoy: no USER" },
    entrypoint: {
      value: ["envoy", "-c", "/etc/envoy/envoy.yaml"],
      source: `${COMPOSE} api-gw entrypoint /docker-entrypoint.sh (volumes/api/envoy/docker-entrypoint.sh @1f37f2a9) ends in \`exec envoy -c /etc/envoy/envoy.yaml\`; ours runs that directly`,
    },
    cmd: { value: null, source: "ours: no command" },
    tools: {
      envoy: { value: true, source: "ci/Dockerfile-envoy: COPY --from=binary /usr/local/bin/envoy*" },
      sh: { value: true, source: "ubuntu base (ci/Dockerfile-envoy FROM ${BUILD_OS}:${BUILD_TAG}, ubuntu)" },
      bash: { value: true, source: "ubuntu base image ships bash; upstream's health check runs `bash -c '</dev/tcp/127.0.0.1/8000'`" },
      timeout: { value: true, source: "ubuntu base: coreutils (timeout); upstream's health check runs `timeout 1 bash -c ...`" },
      curl: { value: false, source: `${COMPOSE}: "this image does not include curl or wget"` },
      wget: { value: false, source: `${COMPOSE}: "this image does not include curl or wget"` },
      node: { value: false, source: "ci/Dockerfile-envoy installs ca-certificates only" },
    },
    imageHealthcheck: { value: null, source: "ci/Dockerfile-envoy has no HEALTHCHECK" },
    reads: [
      { path: "/etc/envoy/envoy.yaml", source: OURS("api-gw files (upstream mounts volumes/api/envoy/envoy.yaml there)") },
      { path: "/etc/envoy/cds.yaml", source: OURS("api-gw files (envoy.yaml: cds_config path)") },
      {
        path: "/etc/envoy/lds.yaml",
        secret: true,
        source: OURS("api-gw files: the rendered listener with the project's keys (envoy.yaml: lds_config path; upstream's entrypoint writes it)"),
      },
    ],
    writes: [],
  },

  // Read at the tag itself (the snapshot of supabase/auth reaches v2.196.0):
  // its Dockerfile changes only the build stage against v2.186.0.
  auth: {
    ...prev("auth"),
    image: "supabase/gotrue:v2.196.0",
    upstream: {
      repo: "supabase/auth",
      ref: "v2.196.0",
      commit: "0204331ca41a5b49f076b6fa3dc6c0d20b996590",
      files: ["Dockerfile", "internal/mailer/templatemailer/templatemailer.go", "internal/mailer/templatemailer/templatemailer_url_test.go"],
    },
    user: {
      ...prev("auth").user,
      source:
        "supabase/auth@0204331 Dockerfile: `adduser -D -u 1000 supabase`, `USER supabase` (FROM alpine:3); busybox adduser.c passwd_study: without -G the new group's gid = uid",
    },
    mailLinks: {
      value: "resolve-reference",
      source:
        "supabase/auth@0204331 (v2.196.0) internal/mailer/templatemailer/templatemailer.go: ConfirmationURL = externalURL.ResolveReference(path) (lines 212, 235, 300, 340, 363, 421); templatemailer_url_test.go TestGetPath: https://test.example.com/removedpath + /templates/confirm.html gives https://test.example.com/templates/confirm.html",
    },
  },
  rest: rereadAt("rest", "postgrest/postgrest:v14.17", "v14.17", "064e5fea7bde63b0424fab53a0109c6f6016e95c"),
  realtime: newerTag("realtime", "supabase/realtime:v2.134.10"),
  storage: newerTag("storage", "supabase/storage-api:v1.74.0"),
  imgproxy: rereadAt("imgproxy", "darthsim/imgproxy:v3.31.4", "v3.31.4", "8b0aa78279f191081054ba709b39f317f66ace78"),
  meta: newerTag("meta", "supabase/postgres-meta:v0.99.0"),
  functions: newerTag("functions", "supabase/edge-runtime:v1.76.2", {
    tools: {
      ...prev("functions").tools,
      sh: { value: true, source: "debian:bookworm-slim base (edge-runtime stage)" },
      bash: { value: true, source: `debian:bookworm-slim ships bash; ${COMPOSE} functions health check runs bash` },
      timeout: { value: true, source: "debian:bookworm-slim: coreutils (timeout)" },
    },
    reads: [
      ...prev("functions").reads,
      {
        path: "/home/deno/functions/deno.jsonc",
        source: OURS(`functions files (${COMPOSE} mounts all of ./volumes/functions, deno.jsonc @986fff77 included: the functions' import map)`),
      },
    ],
  }),
  analytics: rereadAt("analytics", "supabase/logflare:1.42.0", "v1.42.0", "79047a0903814facb7cf0922164d5c7e31b4302f"),
  db: DB_17,
  vector: newerTag("vector", "timberio/vector:0.53.0-alpine", { upstream: prev("vector").upstream }),
  supavisor: newerTag("supavisor", "supabase/supavisor:2.9.12"),
  studio: newerTag("studio", "supabase/studio:2026.09.07-sha-7996410", {
    tools: { ...prev("studio").tools, sh: { value: true, source: "node:22-slim (debian) base: /bin/sh; upstream's health check is CMD-SHELL" } },
  }),
};
