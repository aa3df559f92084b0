// Wake: from the start of a stopped stack to the first 200 from its gateway
// (an API request through the gateway to PostgREST and back), with the
// request path brought up first (lib/stack/start-order.ts, the product's
// start on existing data) against the template's own depends_on order (the
// start before that change: upstream 2026.09's api-gw waits for Studio to be
// healthy). Each round runs both variants on the same stopped containers,
// alternating which goes first. Also printed: when the whole stack is healthy.
// Run: npx tsx bench/wake-order.ts   (ROUNDS=3)
import { randomBytes } from "node:crypto";
import { applyStack, stopStack } from "@/lib/docker/stack-runner";
import { removeStack } from "@/lib/docker/resources";
import { generateProjectSecrets } from "@/lib/stack/secrets";
import { ensureDockerHost } from "@/test/support/docker-host";
import { ensureStandinImages } from "@/test/support/standin-images";
import { machine, standinSpec } from "./common";

const VARIANTS = ["request path first", "template order"] as const;
type Variant = (typeof VARIANTS)[number];

async function firstOk(url: string, apikey: string, t0: number, stop: () => boolean): Promise<number | null> {
  while (!stop()) {
    try {
      const r = await fetch(url, { headers: { apikey, authorization: `Bearer ${apikey}` }, signal: AbortSignal.timeout(2000) });
      await r.arrayBuffer();
      if (r.status === 200) return Date.now() - t0;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return null;
}

async function main(): Promise<void> {
  const docker = await ensureDockerHost();
  await ensureStandinImages(docker);
  const installationId = randomBytes(8).toString("hex");
  const rounds = Number(process.env.ROUNDS ?? 3);
  console.log(`machine: ${machine()}`);
  const results: Record<Variant, Array<{ ok: number | null; healthy: number }>> = { "request path first": [], "template order": [] };
  const ref = "benchwakeorderxxxxxx";
  const secrets = await generateProjectSecrets();
  const kongPort = 56960;
  const base = standinSpec({ ref, installationId, basePort: kongPort, secrets });
  const opts = { probe: true, dbSeed: true, pollMs: 100 };
  try {
    await applyStack(docker, base, opts);
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? VARIANTS : ([...VARIANTS].reverse() as unknown as typeof VARIANTS);
      for (const v of order) {
        // The variants differ only in start order (no container setting): the same stopped containers.
        await stopStack(docker, ref, installationId);
        const t0 = Date.now();
        let done = false;
        const ok = firstOk(`http://127.0.0.1:${kongPort}/rest/v1/todos?select=*`, secrets.anonKey, t0, () => done);
        await applyStack(docker, base, { ...opts, requestPathFirst: v === "request path first" });
        const healthy = Date.now() - t0;
        // The gateway may answer only after every service (template order): give the poller a moment.
        await new Promise((r) => setTimeout(r, 500));
        done = true;
        const first = await ok;
        results[v].push({ ok: first, healthy });
        console.log(
          `round ${round + 1}, ${v}: first 200 ${first === null ? "never" : `${(first / 1000).toFixed(1)} s`}, all healthy ${(healthy / 1000).toFixed(1)} s`,
        );
      }
    }
  } finally {
    await removeStack(docker, ref, installationId, { volumes: true });
  }
  for (const v of VARIANTS) {
    const oks = results[v].map((r) => r.ok).filter((x): x is number => x !== null);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(xs.length, 1) / 1000;
    console.log(
      `${v}: first 200 mean ${mean(oks).toFixed(1)} s (${oks.map((x) => (x / 1000).toFixed(1)).join(" / ")}), all healthy mean ${mean(results[v].map((r) => r.healthy)).toFixed(1)} s`,
    );
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
