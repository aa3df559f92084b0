// A database from the template's seed against a fresh first boot, on the real
// engine with the stand-in db (issue 13: "the result must be identical to a
// fresh init: a schema and role dump of both compares equal"). Both get the
// same project secrets; the seeded one must dump identically (schema, data,
// roles, role and database settings), and every password either has must be
// that project's password. A nonce in the db's settings makes this run's seed
// its own, so the making of a seed is exercised every run and removed after.
import { createHash, createHmac, pbkdf2Sync, randomBytes } from "node:crypto";
import type Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDbVolume } from "@/lib/docker/db-seed";
import { runExec } from "@/lib/docker/exec-stream";
import { removeStack } from "@/lib/docker/resources";
import { applyStack, stopStack } from "@/lib/docker/stack-runner";
import { generateRef } from "@/lib/projects/ref";
import { buildStackSpec } from "@/lib/stack/build-stack-spec";
import { SEED_KEY_LABEL, SEED_ROLE, dbSeedPlan, seedKey, seedVolumeName } from "@/lib/stack/db-seed";
import { generateProjectSecrets, type ProjectSecrets } from "@/lib/stack/secrets";
import { TEMPLATE_VERSIONS } from "@/lib/stack/template";
import { LABELS, type StackEvent, type StackSpec } from "@/lib/stack/types";
import { ensureDockerHost } from "@/test/support/docker-host";
import { newInstallationId } from "@/test/support/installation";
import { ensureStandinImages, STANDIN_IMAGE_OVERRIDES } from "@/test/support/standin-images";

let docker: Docker;
const installationId = newInstallationId();
const nonce = randomBytes(8).toString("hex");
const refs: string[] = [];

/** The project's stack cut to its db alone, with this run's nonce (so this run makes its own seed). */
function dbOnly(version: string, secrets: ProjectSecrets): StackSpec {
  const ref = generateRef();
  refs.push(ref);
  const spec = buildStackSpec({
    ref,
    installationId,
    sealedMetadata: "v1.sealed",
    stackVersion: version,
    analytics: false,
    secrets,
    ports: { kongHttp: 1, postgres: 2, pooler: 3 },
    publicUrl: `https://${ref}.cloud.test`,
    imageOverrides: STANDIN_IMAGE_OVERRIDES,
  });
  const db = spec.services.find((s) => s.service === "db")!;
  return { ...spec, services: [{ ...db, env: { ...db.env, SUPAFLEET_SEED_TEST: nonce }, dependsOn: [] }] };
}

const psql = (spec: StackSpec, sql: string) =>
  runExec(docker, spec.services[0]!.containerName, ["psql", "-U", "supabase_admin", "-d", "postgres", "-At", "-v", "ON_ERROR_STOP=1", "-c", sql]);

/** Everything a restore would make of the cluster: roles (no password hashes: they are salted), settings, schema and data. */
async function dump(spec: StackSpec): Promise<string> {
  const out = await runExec(docker, spec.services[0]!.containerName, ["pg_dumpall", "-U", "supabase_admin", "--no-role-passwords"]);
  // pg_dump 15.14+ writes a random \restrict key into every dump (CVE-2025-8714); it is not the cluster's.
  // Rows an init script stamps with now() (supabase_functions.migrations.inserted_at) say when the first
  // boot ran: the seed's making, for a seeded database. That time is the one difference allowed.
  return out
    .split("\n")
    .filter((l) => !/^\\(un)?restrict /.test(l))
    .map((l) => l.replace(/\t\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?\+00(?=\t|$)/g, "\t<first boot>"))
    .join("\n");
}

/** Whether a SCRAM-SHA-256 verifier from pg_authid is the one of `password` (RFC 5802: StoredKey = H(HMAC(SaltedPassword, "Client Key"))). */
function scramMatches(verifier: string, password: string): boolean {
  const m = /^SCRAM-SHA-256\$(\d+):([^$]+)\$([^:]+):(.+)$/.exec(verifier);
  if (!m) return false;
  const salted = pbkdf2Sync(password, Buffer.from(m[2]!, "base64"), Number(m[1]), 32, "sha256");
  const stored = createHash("sha256").update(createHmac("sha256", salted).update("Client Key").digest()).digest("base64");
  return stored === m[3];
}

async function passwords(spec: StackSpec): Promise<Array<[string, string]>> {
  const rows = await psql(spec, "SELECT rolname || '|' || rolpassword FROM pg_authid WHERE rolpassword IS NOT NULL ORDER BY rolname");
  return rows
    .trim()
    .split("\n")
    .map((l) => l.split("|") as [string, string]);
}

async function seedVolumes(): Promise<Array<{ Name: string; Labels: Record<string, string> }>> {
  const filters = JSON.stringify({ label: [`${LABELS.role}=${SEED_ROLE}`] });
  return ((await docker.listVolumes({ filters })).Volumes ?? []) as Array<{ Name: string; Labels: Record<string, string> }>;
}

beforeAll(async () => {
  docker = await ensureDockerHost();
  await ensureStandinImages(docker);
}, 900_000);

afterAll(async () => {
  for (const ref of refs) await removeStack(docker, ref, installationId, { volumes: true }).catch(() => undefined);
  // This run's seeds only (the nonce is in their key's settings): other seeds are every installation's cache.
  for (const v of await seedVolumes()) if (madeHere.has(v.Labels[SEED_KEY_LABEL] ?? "")) await docker.getVolume(v.Name).remove();
}, 300_000);

const madeHere = new Set<string>();

describe.each([...TEMPLATE_VERSIONS])("a database from the seed of template %s", (version) => {
  let secrets: ProjectSecrets;
  let fresh: StackSpec;
  let seeded: StackSpec;
  const events: StackEvent[] = [];

  beforeAll(async () => {
    secrets = await generateProjectSecrets();
    fresh = dbOnly(version, secrets);
    seeded = dbOnly(version, secrets);
    const before = new Set((await seedVolumes()).map((v) => v.Name));
    await applyStack(docker, fresh, { dbSeed: false });
    await applyStack(docker, seeded, { dbSeed: true, onEvent: (e) => events.push(e) });
    for (const v of await seedVolumes()) if (!before.has(v.Name)) madeHere.add(v.Labels[SEED_KEY_LABEL] ?? "");
  }, 600_000);

  it("is made from a seed this run made (labelled a seed of no project), not by a first boot", async () => {
    expect(events.find((e) => e.kind === "service.seed_skipped")?.message).toBeUndefined();
    expect(events.some((e) => e.kind === "service.seeded")).toBe(true);
    expect(madeHere.size).toBeGreaterThan(0);
    const mine = (await seedVolumes()).filter((v) => madeHere.has(v.Labels[SEED_KEY_LABEL] ?? ""));
    expect(mine.length).toBeGreaterThan(0);
    for (const v of mine) {
      expect(v.Labels[LABELS.managed]).toBe("true");
      expect(v.Labels[LABELS.ref]).toBeUndefined();
    }
    // The fresh one ran the init scripts; the seeded one did not.
    const logs = async (s: StackSpec) => String(await docker.getContainer(s.services[0]!.containerName).logs({ stdout: true, stderr: true }));
    expect(await logs(fresh)).toContain("init-scripts/99-roles.sql");
    expect(await logs(seeded)).not.toContain("init-scripts/99-roles.sql");
  });

  it("dumps identically to a fresh first boot with the same secrets: roles, role and database settings, schema and data", async () => {
    const [a, b] = await Promise.all([dump(fresh), dump(seeded)]);
    expect(a.length).toBeGreaterThan(10_000);
    expect(a).toContain("CREATE ROLE authenticator");
    expect(b).toBe(a);
    const settings = "SELECT coalesce(setrole::regrole::text, '-') || ' ' || array_to_string(setconfig, ',') FROM pg_db_role_setting ORDER BY 1";
    expect(await psql(seeded, settings)).toBe(await psql(fresh, settings));
    if (secrets.jwtSecret && version === TEMPLATE_VERSIONS[0]) expect(await psql(seeded, settings)).toContain(secrets.jwtSecret);
  });

  it("has every password of a fresh boot, each the project's own (none left from the seed), and takes a login with it over TCP", async () => {
    const [a, b] = await Promise.all([passwords(fresh), passwords(seeded)]);
    expect(b.map(([r]) => r)).toEqual(a.map(([r]) => r));
    expect(a.map(([r]) => r)).toEqual(expect.arrayContaining(["authenticator", "supabase_admin", "supabase_auth_admin", "postgres"]));
    for (const [role, verifier] of [...a, ...b]) expect(scramMatches(verifier, secrets.postgresPassword), role).toBe(true);
    for (const [role, verifier] of b) expect(scramMatches(verifier, "not-the-password"), role).toBe(false);
    const who = await runExec(
      docker,
      seeded.services[0]!.containerName,
      ["psql", "-h", "127.0.0.1", "-U", "authenticator", "-d", "postgres", "-Atc", "select current_user"],
      {
        env: [`PGPASSWORD=${secrets.postgresPassword}`],
      },
    );
    expect(who.trim()).toBe("authenticator");
  });

  it("never writes over a database: a second fill of a volume that holds one leaves its data as it is", async () => {
    await psql(seeded, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('mine')");
    await stopStack(docker, seeded.ref, installationId);
    expect(await seedDbVolume(docker, seeded)).toMatchObject({ seeded: true });
    await applyStack(docker, seeded, { dbSeed: true });
    expect((await psql(seeded, "SELECT v FROM kept")).trim()).toBe("mine");
  });
});

describe("when the seed cannot be had", () => {
  it("leaves a volume of the seed's name that is not a seed untouched, and the db initialises itself", async () => {
    const spec = dbOnly(TEMPLATE_VERSIONS[TEMPLATE_VERSIONS.length - 1]!, await generateProjectSecrets());
    const db = spec.services[0]!;
    // Its own nonce: a seed key no other test has made.
    const own: StackSpec = { ...spec, services: [{ ...db, env: { ...db.env, SUPAFLEET_SEED_TEST: `${nonce}-foreign` } }] };
    const plan = dbSeedPlan(own)!;
    const imageId = ((await docker.getImage(db.image).inspect()) as { Id: string }).Id;
    const foreign = seedVolumeName(seedKey(plan, imageId));
    await docker.createVolume({ Name: foreign, Labels: { "someone.else": "yes" } });
    try {
      const events: StackEvent[] = [];
      await applyStack(docker, own, { dbSeed: true, onEvent: (e) => events.push(e) });
      expect(events.find((e) => e.kind === "service.seed_skipped")?.message).toMatch(/is not this seed; it was left untouched/);
      expect(events.some((e) => e.kind === "service.seeded")).toBe(false);
      expect((await psql(own, "SELECT count(*) FROM pg_roles WHERE rolname = 'authenticator'")).trim()).toBe("1");
      const v = (await docker.getVolume(foreign).inspect()) as { Labels: Record<string, string> | null };
      expect(v.Labels).toEqual({ "someone.else": "yes" });
    } finally {
      await docker.getVolume(foreign).remove();
    }
  });
});
