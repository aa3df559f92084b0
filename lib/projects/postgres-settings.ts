// The Postgres settings a project's owner may change (PUT
// /v1/projects/{ref}/config/database/postgres, upstream's
// v1-update-postgres-config): an allow-list of per-session settings with
// bounds, applied by the image's superuser inside the db container with
// ALTER SYSTEM and pg_reload_conf(). They live in the data directory
// (postgresql.auto.conf), so they survive restarts, backups and restores;
// new sessions and idle pooled ones get them at once, nothing restarts.
// Values reach SQL only as numbers this module formats, never as given.
import { ACTIVE_STATUSES, isStatusIn } from "@/lib/domain";
import { InvalidStateError, ValidationError } from "@/lib/errors";
import type { SessionUser } from "@/lib/auth/actor";
import { findOwned } from "@/lib/projects/queries";
import { secretsOf, type ProjectContext } from "@/lib/projects/context";
import { dataOpsOf } from "@/lib/stack/runtime-port";

/** Upstream's duration pattern (UpdatePostgresConfigBody.statement_timeout; default unit ms). */
export const DURATION = /^(-?[0-9]+(?:\.[0-9]+)?)(us|ms|s|min|h|d)?$/;
/** Postgres's memory units (default kB). */
export const MEMORY = /^([0-9]{1,10})(kB|MB|GB)?$/;

/** The settings a tenant may change, with their bounds in Postgres's base unit (ms, kB). */
export const POSTGRES_TENANT_SETTINGS = {
  statement_timeout: { unit: "ms", min: 100, max: 3_600_000 },
  work_mem: { unit: "kB", min: 64, max: 256 * 1024 },
  maintenance_work_mem: { unit: "kB", min: 1024, max: 1024 * 1024 },
} as const;
export type PostgresTenantSetting = keyof typeof POSTGRES_TENANT_SETTINGS;
export type PostgresTenantValues = Partial<Record<PostgresTenantSetting, string>>;

const DURATION_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, min: 60_000, h: 3_600_000, d: 86_400_000 };
const MEMORY_KB: Record<string, number> = { kB: 1, MB: 1024, GB: 1024 * 1024 };

/** The value in the setting's base unit, or null when it is not a whole number within the bounds (pure). */
export function tenantSettingValue(name: PostgresTenantSetting, text: string): number | null {
  const spec = POSTGRES_TENANT_SETTINGS[name];
  const m = (spec.unit === "ms" ? DURATION : MEMORY).exec(text);
  if (!m) return null;
  const n = Number(m[1]) * (spec.unit === "ms" ? DURATION_MS[m[2] ?? "ms"]! : MEMORY_KB[m[2] ?? "kB"]!);
  if (!Number.isSafeInteger(n) || n < spec.min || n > spec.max) return null;
  return n;
}

/** The values in base units; a bad one is a ValidationError naming it (pure). */
export function parseTenantSettings(values: PostgresTenantValues): Array<[PostgresTenantSetting, number]> {
  const out: Array<[PostgresTenantSetting, number]> = [];
  const bad: Record<string, string[]> = {};
  for (const [name, text] of Object.entries(values) as Array<[PostgresTenantSetting, string | undefined]>) {
    if (text === undefined) continue;
    const spec = POSTGRES_TENANT_SETTINGS[name];
    const n = tenantSettingValue(name, text);
    if (n === null) bad[`body.${name}`] = [`Use a whole number of ${spec.unit} from ${spec.min} to ${spec.max} (units allowed).`];
    else out.push([name, n]);
  }
  if (Object.keys(bad).length) throw new ValidationError("Invalid Postgres settings.", bad);
  return out;
}

/** ALTER SYSTEM for each setting, then a reload (pure). */
export function alterSystemSql(settings: Array<[PostgresTenantSetting, number]>): string {
  const lines = settings.map(([name, n]) => {
    if (!(name in POSTGRES_TENANT_SETTINGS) || !Number.isSafeInteger(n)) throw new Error(`bad setting ${name}`);
    return `ALTER SYSTEM SET ${name} = '${n}${POSTGRES_TENANT_SETTINGS[name].unit}';`;
  });
  return [...lines, "SELECT pg_reload_conf();"].join("\n");
}

/** Owner only, on a running project. */
export async function applyPostgresSettings(ctx: ProjectContext, actor: SessionUser, ref: string, values: PostgresTenantValues): Promise<void> {
  const settings = parseTenantSettings(values);
  const p = await findOwned(ctx, actor, ref);
  if (!isStatusIn(p.status, ACTIVE_STATUSES)) throw new InvalidStateError(`The project is ${p.status}; its database runs only while it is active.`);
  if (settings.length === 0) return;
  await dataOpsOf(ctx.provisioner, "database access").runSql(p.ref, alterSystemSql(settings), { password: secretsOf(ctx, p).postgresPassword });
}
