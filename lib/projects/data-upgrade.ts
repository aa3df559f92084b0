// An upgrade to a template whose Postgres is of a newer major (15 → 17). The
// containers cannot simply be made again on the same volumes: the new server
// refuses the old data directory. So the data moves to a new generation of
// volumes, as a restore's does (lib/stack/volumes.ts): the stack stops,
// the provisioner fills generation n+1 from n with the database converted
// (lib/docker/pg-upgrade.ts), the new stack starts on n+1, and only once it is
// healthy does the project record the new version and generation; then n
// goes, when the backup taken first holds it (else it stays). Any failure
// before that removes n+1 and starts the old stack on n, on which only its own
// old server ran: a failed upgrade leaves the project as it was.
import { EVENT } from "@/lib/domain";
import { InvalidStateError, describeError } from "@/lib/errors";
import { sealedMetadataOf, secretsOf, specFor, type ProjectContext, type ProjectForSpec } from "@/lib/projects/context";
import { recordEvent } from "@/lib/projects/events";
import { PG17_PATCHES } from "@/lib/projects/pg17-patches";
import type { OnProvisionEvent } from "@/lib/projects/provisioner";
import { dataOpsOf } from "@/lib/stack/runtime-port";

/**
 * Extensions Postgres 17 does not have (upstream docker/utils/upgrade-pg17.sh
 * drops these before its pg_upgrade). A running project that uses one is
 * refused before it stops; the conversion itself checks every extension
 * against what the new image really has.
 */
export const GONE_IN_PG17 = ["timescaledb", "plv8", "plcoffee", "plls"] as const;

/**
 * What upstream's docker/utils/upgrade-pg17.sh applies on the new server after
 * its conversion, because a converted cluster never ran the 17 image's init:
 * the supabase_etl_admin role, then four of the image's own migrations
 * (idempotent, read from the running 17 container). Upstream treats a failure
 * of any as a warning, and so does this.
 */
export const PG17_AFTER_CONVERSION = {
  dir: "/docker-entrypoint-initdb.d/migrations",
  files: [
    "20250710151649_supabase_read_only_user_default_transaction_read_only.sql",
    "20251001204436_predefined_role_grants.sql",
    "20251105172723_grant_pg_reload_conf_to_postgres.sql",
    "20251121132723_correct_search_path_pgbouncer.sql",
  ],
  etlRole: `DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'supabase_etl_admin') THEN
    CREATE ROLE supabase_etl_admin WITH LOGIN REPLICATION;
    GRANT pg_read_all_data TO supabase_etl_admin;
    GRANT CREATE ON DATABASE postgres TO supabase_etl_admin;
  END IF;
END
$$;`,
} as const;

/** How an upgrade attempt ended when it did not throw (it throws only when going back failed too). */
export type UpgradeAttempt = { kind: "upgraded" } | { kind: "rolled-back"; reason: string };

/** Why a running project cannot start this upgrade (an extension in GONE_IN_PG17), asked of its own database; null: it can. */
export async function dataUpgradePrecheck(ctx: ProjectContext, p: ProjectForSpec, running: boolean): Promise<string | null> {
  if (!running) return null;
  const list = GONE_IN_PG17.map((e) => `'${e}'`).join(", ");
  const out = await dataOpsOf(ctx.provisioner, "upgrades").runSql(p.ref, `SELECT extname FROM pg_extension WHERE extname IN (${list}) ORDER BY 1;`, {
    password: secretsOf(ctx, p).postgresPassword,
  });
  const found = out
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  return found.length
    ? `The database uses ${found.join(", ")}, which Postgres 17 does not have. Drop ${found.length === 1 ? "it" : "them"} (DROP EXTENSION … CASCADE) and upgrade again; nothing was changed.`
    : null;
}

/**
 * Moves the project (its containers already made from `p`'s version or
 * stopped) to `target` on a new generation of volumes. Resolves "upgraded"
 * once the new stack is healthy and recorded; "rolled-back" when it failed
 * and the old stack runs again on its old data. Throws only when even going
 * back failed.
 */
export async function upgradeToNewMajor(
  ctx: ProjectContext,
  p: ProjectForSpec,
  target: string,
  o: { onEvent: OnProvisionEvent; signal: AbortSignal; keepOld: boolean },
): Promise<UpgradeAttempt> {
  const from = p.dataGeneration;
  const next = from + 1;
  const oldSpec = specFor(ctx, p);
  const newSpec = specFor(ctx, p, { stackVersion: target, generation: next });
  const step = (message: string) => void recordEvent(ctx.db, p, "INFO", EVENT.upgradeStep, message).catch(() => undefined);
  try {
    // What a crashed attempt left there: never committed, so never the project's data.
    await dataOpsOf(ctx.provisioner, "upgrades").removeGeneration(p.ref, next);
    step("Stopping the project: its database moves to a new Postgres");
    await ctx.provisioner.removeContainers(p.ref);
    await dataOpsOf(ctx.provisioner, "upgrades").upgradeData(oldSpec, newSpec, {
      password: secretsOf(ctx, p).postgresPassword,
      onStep: step,
      signal: o.signal,
    });
    if (o.signal.aborted) throw new InvalidStateError("Cancelled.");
    step(`Starting the project on template ${target}`);
    await ctx.provisioner.up(newSpec, { onEvent: o.onEvent, signal: o.signal });
    if (o.signal.aborted) throw new InvalidStateError("Cancelled.");
    await afterConversion(ctx, p);
  } catch (err) {
    const reason = o.signal.aborted ? "Cancelled." : describeError(err);
    await recordEvent(ctx.db, p, "ERROR", EVENT.upgradeFailed, `Template ${target} did not come up healthy: ${reason}`);
    await ctx.provisioner.removeContainers(p.ref);
    await dataOpsOf(ctx.provisioner, "upgrades").removeGeneration(p.ref, next);
    await ctx.provisioner.up(oldSpec, { onEvent: o.onEvent, signal: o.signal });
    return { kind: "rolled-back", reason };
  }
  // Healthy on the new data: the engine learns first (recovery reads it there), then the database.
  const upgraded = { ...p, stackVersion: target, dataGeneration: next };
  await ctx.provisioner.writeMetadata(p.ref, sealedMetadataOf(ctx, upgraded));
  await ctx.db.project.update({ where: { id: p.id }, data: { stackVersion: target, dataGeneration: next } });
  if (o.keepOld) {
    // No backup holds the old data: its volumes stay (until the project is deleted) as upstream keeps data.bak.pg15.
    step(`The previous database's volumes (generation ${from}) are kept, as no backup of them was taken`);
    return { kind: "upgraded" };
  }
  try {
    await dataOpsOf(ctx.provisioner, "upgrades").removeGeneration(p.ref, from);
  } catch (err) {
    // Only disk space: the project's delete takes them.
    await recordEvent(ctx.db, p, "WARN", EVENT.upgradeStep, `The previous volumes (generation ${from}) could not be removed yet: ${describeError(err)}`);
  }
  return { kind: "upgraded" };
}

/**
 * On the new, running database: upstream's post-conversion patches
 * (PG17_PATCHES, lib/projects/pg17-patches.ts), then PG17_AFTER_CONVERSION.
 * A failure is a warning event, except a fatal patch's (Vault's secrets no
 * longer decrypting), which throws: the caller goes back to the old data.
 */
async function afterConversion(ctx: ProjectContext, p: ProjectForSpec): Promise<void> {
  const password = secretsOf(ctx, p).postgresPassword;
  const { dir, files, etlRole } = PG17_AFTER_CONVERSION;
  const scripts = [
    ...PG17_PATCHES,
    { what: "the supabase_etl_admin role", sql: etlRole, fatal: false },
    ...files.map((f) => ({ what: f, sql: `\\i ${dir}/${f}`, fatal: false })),
  ];
  const skipped: string[] = [];
  for (const s of scripts) {
    try {
      await dataOpsOf(ctx.provisioner, "upgrades").runSql(p.ref, s.sql, { password });
    } catch (err) {
      if (s.fatal) throw new InvalidStateError(`The converted database failed a check (${s.what}): ${describeError(err).slice(0, 500)}`);
      skipped.push(`${s.what} (${describeError(err).slice(0, 200)})`);
    }
  }
  if (skipped.length)
    await recordEvent(ctx.db, p, "WARN", EVENT.upgradeStep, `Not applied after the conversion (as upstream, not fatal): ${skipped.join("; ")}`);
}
