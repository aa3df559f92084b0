// A live installation beside the whole test suite (vitest globalSetup of the
// integration group, which runs before the end-to-end group): before the
// first test file starts, a separate Supafleet (its own database, key and
// installation id) creates a project and writes a row into its database. The
// suite then runs as usual: every file opens its own installation, apps
// started by browser tests reconcile at boot, tests create and delete
// dozens of stacks. At the very end the live project must be exactly as it
// was: the same containers (none recreated), the same volumes, its data,
// healthy. Any difference fails the run (exit code and the verdict file that
// scripts/test.sh prints). SUPAFLEET_TEST_LIVE_INSTALLATION=0 turns it off
// for a quick local run of one file; scripts/test.sh always has it on.
import { randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { LABELS } from "@/lib/stack/types";
import type { SessionUser } from "@/lib/auth/actor";
import { ensureDockerHost } from "@/test/support/docker-host";
import { openInstallation, type Installation } from "@/test/support/installation";
import { ensureStandinImages } from "@/test/support/standin-images";

const VERDICT = join(process.cwd(), "test-artifacts", "live-installation.json");

interface Live {
  inst: Installation;
  user: SessionUser;
  ref: string;
  /** Resolves once the project is healthy and its baseline is taken. */
  ready: Promise<{ containers: string[]; volumes: string[] }>;
}

let live: Live | undefined;

async function fingerprint(inst: Installation, ref: string) {
  const docker = await ensureDockerHost();
  const filters = JSON.stringify({ label: [`${LABELS.installation}=${inst.installationId}`, `${LABELS.ref}=${ref}`] });
  const [c, v] = await Promise.all([docker.listContainers({ all: true, filters }), docker.listVolumes({ filters })]);
  return {
    containers: c
      .filter((x) => !x.Labels?.[LABELS.role])
      .map((x) => `${x.Names[0]} ${x.Id} ${x.State}`)
      .sort(),
    volumes: (v.Volumes ?? []).map((x) => x.Name).sort(),
  };
}

async function sql(inst: Installation, user: SessionUser, ref: string, text: string): Promise<pg.QueryResult> {
  const d = await inst.service.getProjectDetails(user, ref);
  const client = new pg.Client({ connectionString: d.directUrl!.replace(/@[a-z]{20}\.[^:/]+:/, "@127.0.0.1:"), connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await client.query(text);
  } finally {
    await client.end();
  }
}

function verdict(ok: boolean, detail: string): void {
  mkdirSync(join(process.cwd(), "test-artifacts"), { recursive: true });
  writeFileSync(VERDICT, JSON.stringify({ ok, detail }, null, 2));
  if (ok) {
    console.info(`[live installation] ${detail}`);
  } else {
    console.error(`\n[live installation] FAILED: ${detail}\n`);
    // vitest ignores errors thrown from a global teardown; the exit code does not lie.
    process.exitCode = 1;
  }
}

export async function setup(): Promise<() => Promise<void>> {
  if (process.env.SUPAFLEET_TEST_LIVE_INSTALLATION === "0") {
    console.info("[live installation] off (SUPAFLEET_TEST_LIVE_INSTALLATION=0)");
    return async () => undefined;
  }
  const docker = await ensureDockerHost();
  await ensureStandinImages(docker);
  const inst = await openInstallation({ portRange: { start: 55900, end: 55999 } });
  const u = await inst.db.user.create({ data: { id: randomUUID(), email: "live@example.com", passwordHash: "x" } });
  const user: SessionUser = { id: u.id, email: u.email, name: null, role: "USER" };
  const { ref } = await inst.service.createProject(user, { name: "Live beside the suite" });
  const ready = (async () => {
    await inst.service.waitForIdle(ref);
    const status = (await inst.service.getProject(user, ref)).status;
    if (status !== "ACTIVE_HEALTHY") throw new Error(`its project did not come up: ${status}`);
    await sql(inst, user, ref, "create table customer_data (v text); insert into customer_data values ('must survive the suite')");
    return fingerprint(inst, ref);
  })();
  ready.catch(() => undefined);
  live = { inst, user, ref, ready };
  console.info(`[live installation] ${inst.installationId} is creating ${ref} beside the suite`);
  return teardown;
}

async function teardown(): Promise<void> {
  if (!live) return;
  const { inst, user, ref } = live;
  try {
    const before = await live.ready;
    const problems: string[] = [];
    const after = await fingerprint(inst, ref);
    if (JSON.stringify(after) !== JSON.stringify(before))
      problems.push(`its resources changed:\n before ${JSON.stringify(before)}\n after  ${JSON.stringify(after)}`);
    await inst.service.refreshStatus(ref);
    const status = (await inst.service.getProject(user, ref)).status;
    if (status !== "ACTIVE_HEALTHY") problems.push(`it is ${status}`);
    try {
      const rows = (await sql(inst, user, ref, "select v from customer_data")).rows as Array<{ v: string }>;
      if (rows.length !== 1 || rows[0]!.v !== "must survive the suite") problems.push(`its data changed: ${JSON.stringify(rows)}`);
    } catch (err) {
      problems.push(`its data could not be read: ${err instanceof Error ? err.message : String(err)}`);
    }
    // Its own restart finds nothing of its own to repair.
    const report = await inst.restart().reconcile();
    if (report.drift.length || report.errors.length || report.quarantined.length) problems.push(`its reconcile found ${JSON.stringify(report)}`);
    verdict(
      problems.length === 0,
      problems.length
        ? problems.join("; ")
        : `${ref} of installation ${inst.installationId} came through the whole suite untouched: ${before.containers.length} containers, ${before.volumes.length} volumes, data intact, healthy`,
    );
  } catch (err) {
    verdict(false, err instanceof Error ? err.message : String(err));
  } finally {
    await inst.service
      .deleteProject(user, { ref, confirmRef: ref })
      .catch((err: unknown) => console.error(`[live installation] delete failed: ${String(err)}`));
    await inst.db.$disconnect();
  }
}
