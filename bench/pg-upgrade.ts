// A Postgres 15 → 17 upgrade's downtime (issue 12): from the old stack's
// removal (as the project service removes it) to the new stack healthy on the converted data (lib/docker/pg-upgrade.ts,
// the same calls the project service makes), for databases of several sizes.
// The comparison in the same run: an upgrade that keeps the Postgres major
// (stop, containers made again, healthy) of the same project and size.
// Stand-in images: real PostgreSQL 15 (Debian 12) and 17 (Debian 13).
// Run: npx tsx bench/pg-upgrade.ts   (SIZES_MB=0,100,500)
import { randomBytes } from "node:crypto";
import type Docker from "dockerode";
import { upgradeData } from "@/lib/docker/pg-upgrade";
import { runExec } from "@/lib/docker/exec-stream";
import { psqlCommand } from "@/lib/docker/psql-session";
import { applyStack } from "@/lib/docker/stack-runner";
import { removeStack } from "@/lib/docker/resources";
import { removeGenerationVolumes } from "@/lib/docker/volume-helper";
import { withGeneration } from "@/lib/stack/volumes";
import { generateProjectSecrets } from "@/lib/stack/secrets";
import { containerName, LATEST_STACK_VERSION } from "@/lib/stack/build-stack-spec";
import type { StackSpec } from "@/lib/stack/types";
import { ensureDockerHost } from "@/test/support/docker-host";
import { ensureStandinImages } from "@/test/support/standin-images";
import { machine, standinSpec } from "./common";

const OLD = "2026.02-r1";
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function sql(docker: Docker, ref: string, password: string, script: string): Promise<string> {
  return runExec(docker, containerName(ref, "db"), psqlCommand(["-f", "-"]), { env: [`PGPASSWORD=${password}`], input: script });
}

async function main(): Promise<void> {
  const docker = await ensureDockerHost();
  await ensureStandinImages(docker);
  const installationId = randomBytes(8).toString("hex");
  const sizes = (process.env.SIZES_MB ?? "0,100,500").split(",").map(Number);
  console.log(`machine: ${machine()}`);
  const opts = { probe: true, dbSeed: false, pollMs: 100 };
  for (const [i, mb] of sizes.entries()) {
    const ref = `benchpgupgrade${"abcdefgh"[i]}xxxxx`;
    const secrets = await generateProjectSecrets();
    const spec = (stackVersion: string): StackSpec => standinSpec({ ref, installationId, basePort: 56970 + i * 3, secrets, stackVersion });
    const old = spec(OLD);
    try {
      await applyStack(docker, old, opts);
      // Rows of about 1 kB: mb MB of table data, plus an index.
      if (mb > 0)
        await sql(
          docker,
          ref,
          secrets.postgresPassword,
          `CREATE TABLE filler (id bigint PRIMARY KEY, body text); INSERT INTO filler SELECT g, repeat(md5(g::text), 30) FROM generate_series(1, ${mb * 1024}) g;`,
        );
      const size = (await sql(docker, ref, secrets.postgresPassword, "SELECT pg_database_size('postgres');")).trim();

      // Comparison: the same major, containers made again on the same volumes.
      let t0 = Date.now();
      await removeStack(docker, ref, installationId, { volumes: false });
      await applyStack(docker, old, opts);
      const sameMajor = Date.now() - t0;

      // The 15 → 17 move, as lib/projects/data-upgrade.ts runs it.
      t0 = Date.now();
      await removeStack(docker, ref, installationId, { volumes: false });
      const steps: string[] = [];
      const next = withGeneration(spec(LATEST_STACK_VERSION), 1);
      await upgradeData(docker, old, next, {
        password: secrets.postgresPassword,
        onStep: (m) => steps.push(`${secs(Date.now() - t0)} ${m}`),
      });
      const converted = Date.now() - t0;
      await applyStack(docker, next, opts);
      const total = Date.now() - t0;
      const rows = mb > 0 ? (await sql(docker, ref, secrets.postgresPassword, "SELECT count(*) FROM filler;")).trim() : "0";
      const version = (await sql(docker, ref, secrets.postgresPassword, "SHOW server_version;")).trim();
      if (mb > 0 && Number(rows) !== mb * 1024) throw new Error(`rows lost: ${rows} of ${mb * 1024}`);
      console.log(
        `${mb} MB of rows (database ${(Number(size) / 1024 / 1024).toFixed(0)} MB): same-major upgrade ${secs(sameMajor)}; ` +
          `15 → 17 upgrade ${secs(total)} (data converted at ${secs(converted)}), ${rows} rows on ${version}`,
      );
      for (const s of steps) console.log(`    ${s}`);
      await removeGenerationVolumes(docker, ref, installationId, 0);
    } finally {
      await removeStack(docker, ref, installationId, { volumes: true });
    }
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
