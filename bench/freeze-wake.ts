// Wake from each sleep tier (lib/projects/sleep-tier.ts), as a client sees it:
// the time from sending the first API request to a sleeping project through
// nginx by subdomain (the wake gate included: nginx asks the app, which
// thaws or starts the project and holds the request) to its 200 from the
// gateway. The frozen tier is measured ROUNDS times (idle sweep freezes it,
// one request wakes it), then the stopped tier STOPPED_ROUNDS times on the
// same project, for comparison. Stand-in images, one real nginx.
// Run: npx tsx bench/freeze-wake.ts   (ROUNDS=20 STOPPED_ROUNDS=3)
import { viaNginx } from "@/test/support/nginx-host";
import { startWakeHarness } from "@/test/support/wake-harness";
import { machine } from "./common";

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const line = (name: string, xs: number[]) =>
  `${name}: n=${xs.length} p50 ${pct(xs, 50)} ms, p95 ${pct(xs, 95)} ms, max ${Math.max(...xs)} ms (all: ${xs.join(", ")})`;

async function main(): Promise<void> {
  const rounds = Number(process.env.ROUNDS ?? 20);
  const stoppedRounds = Number(process.env.STOPPED_ROUNDS ?? 3);
  console.log(`machine: ${machine()}`);
  const domain = "freeze-bench.test";
  const h = await startWakeHarness({ domain, portRange: { start: 56700, end: 56799 } });
  try {
    const { ref } = await h.service.createProject(h.user, { name: "Bench frost" });
    await h.service.waitForIdle(ref);
    const apikey = (await h.service.getProjectDetails(h.user, ref)).serviceRoleKey;
    await h.service.setIdleTimeout(h.user, { ref, minutes: 1 });
    const first = async () => {
      const t0 = performance.now();
      const r = await viaNginx(h.nginx.port, `${ref}.${domain}`, "/rest/v1/", { apikey });
      const ms = Math.round(performance.now() - t0);
      if (r.status !== 200) throw new Error(`wake answered ${r.status}: ${r.body.slice(0, 200)}`);
      return ms;
    };
    const sleep = async (tier: "frozen" | "stopped") => {
      const report = await h.service.sweepIdle(new Date(Date.now() + 5 * 60_000));
      if (!report.paused.includes(ref) || report.frozen.includes(ref) !== (tier === "frozen")) throw new Error(`not ${tier}: ${JSON.stringify(report)}`);
    };
    const frozen: number[] = [];
    for (let i = 0; i < rounds; i++) {
      await sleep("frozen");
      frozen.push(await first());
      // The thaw re-applies nginx after answering; let it settle so rounds do not overlap.
      await new Promise((r) => setTimeout(r, 500));
    }
    console.log(line("frozen tier: first request -> 200 through nginx (wake gate included)", frozen));
    await h.service.setFrozenStop(h.user, { ref, minutes: 0 });
    const stopped: number[] = [];
    for (let i = 0; i < stoppedRounds; i++) {
      await sleep("stopped");
      stopped.push(await first());
      await h.service.waitForIdle(ref);
    }
    console.log(line("stopped tier: first request -> 200 through nginx (wake gate included)", stopped));
  } finally {
    await h.close();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
