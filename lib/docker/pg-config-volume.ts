// The db-config volume of a project converted from Postgres 15 to 17 (see
// lib/docker/pg-upgrade.ts). The conversion copies it as it is, owners
// included, but the 17 image's postgres account is not the 15 image's
// (supabase/postgres Dockerfile-17 @010fb48b builds on ubuntu:noble and
// Dockerfile-15 on focal, each with `adduser --system`), and the 17 config
// includes a conf.d folder a 15 volume lacks. A 17 server on the copy as it
// is cannot read pgsodium's root key nor open its config: it does not start.
import type Docker from "dockerode";
import { InvalidStateError } from "@/lib/errors";
import { logTail } from "@/lib/docker/logs";
import type { StackSpec } from "@/lib/stack/types";

/** Where the template mounts the db-config volume (upstream's compose: `db-config:/etc/postgresql-custom`). */
export const DB_CONFIG_TARGET = "/etc/postgresql-custom";

/**
 * What upstream's docker/utils/upgrade-pg17.sh (supabase/supabase @0b79087a,
 * run_complete and start_pg17) does to the db-config volume in the 17 image,
 * as root, before the 17 server starts on it: "PG17 config includes this
 * directory; may not exist from PG15", and "Fix ownership on db-config volume
 * (PG15 uid differs from PG17)". `postgres` is resolved by the new image, so
 * its own ids are used whatever they are.
 */
export function configVolumeScript(target: string = DB_CONFIG_TARGET): string {
  const dir = `'${target.replace(/'/g, `'\\''`)}'`;
  return `set -eu; mkdir -p ${dir}/conf.d; chown -R postgres:postgres ${dir}`;
}

/**
 * Runs configVolumeScript in `to`'s db image, as root, on `to`'s (new, copied)
 * db-config volume alone; the old generation's volume is never touched, so
 * going back needs no chown back (upstream's rollback has to restore it).
 * `helper` names and labels the one-off container and removes one (a crash's
 * or this one) the way the caller removes its helpers.
 */
export async function prepareConfigVolume(
  docker: Docker,
  to: StackSpec,
  helper: { name: string; labels: Record<string, string>; remove: (name: string) => Promise<void> },
): Promise<void> {
  const db = to.services.find((s) => s.service === "db");
  const mount = db?.mounts.find((m) => m.type === "volume" && m.target === DB_CONFIG_TARGET);
  if (!db || !mount) return;
  await helper.remove(helper.name);
  const c = await docker.createContainer({
    name: helper.name,
    Image: db.image,
    User: "0:0",
    Entrypoint: ["sh", "-c", configVolumeScript()],
    Cmd: [],
    Labels: helper.labels,
    HostConfig: { NetworkMode: "none", Mounts: [{ Type: "volume", Source: mount.source, Target: DB_CONFIG_TARGET }] },
  });
  try {
    await c.start();
    const { StatusCode } = (await c.wait()) as { StatusCode: number };
    if (StatusCode !== 0) {
      const tail = await logTail(docker, helper.name, 20).catch(() => "(no logs)");
      throw new InvalidStateError(`Handing db-config to the new image's postgres account failed (exit ${StatusCode}): ${tail}`);
    }
  } finally {
    await helper.remove(helper.name);
  }
}
