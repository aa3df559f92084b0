// The SQL endpoint under 8 parallel oversized queries (`select repeat('x',
// 20000) from generate_series(1, 50000)`, about 1 GB of rows each), against a
// real stand-in project (PostgreSQL behind the Supavisor stand-in): the peak
// RSS of a fresh Node process running the queries, sampled every 50 ms, and
// what each query answered.
//   after:  today's runSql (byte budget, rows counted on the socket).
//   before: runSql as it was before the budget (git show BEFORE_COMMIT:
//           lib/api/database-query.ts), which holds every row in memory. It
//           runs with the app's own heap ceiling and may abort at it: that is
//           the outage the budget prevents.
// Run: npx tsx bench/sql-budget.ts          (BEFORE=0 skips the old path; PARALLEL=8)
import { execFileSync, spawn } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { benchSetup, machine, makeUser } from "./common";
import type { QueryTarget } from "@/lib/api/database-query";

const PARALLEL = Number(process.env.PARALLEL ?? 8);
const BEFORE = process.env.BEFORE !== "0";
const BEFORE_COMMIT = process.env.BEFORE_COMMIT ?? "88945f6";
const QUERY = "select repeat('x', 20000) from generate_series(1, 50000)";
const LEGACY = resolve("bench/.sql-budget-legacy.ts");

interface ChildReport {
  rssBeforeMb: number;
  rssPeakMb: number;
  ms: number;
  answers: string[];
}

/** In the child: PARALLEL queries at once through the chosen runSql, RSS sampled every 50 ms. */
async function child(mode: string, target: QueryTarget): Promise<void> {
  const mod = (await import(mode === "before" ? LEGACY : "@/lib/api/database-query")) as {
    runSql: (t: QueryTarget, body: { query: string }) => Promise<unknown[]>;
  };
  const before = process.memoryUsage().rss;
  let peak = before;
  const sample = () => {
    peak = Math.max(peak, process.memoryUsage().rss);
    process.stdout.write(`peak ${Math.round(peak / 2 ** 20)}\n`);
  };
  const sampler = setInterval(sample, 50);
  const started = Date.now();
  const answers = await Promise.all(
    Array.from({ length: PARALLEL }, () =>
      mod.runSql(target, { query: QUERY }).then(
        // What the route would do next with the rows: serialise them.
        (rows) => `${rows.length} rows, ${JSON.stringify(rows).length} bytes of JSON`,
        (err: unknown) => {
          const status = typeof err === "object" && err !== null && "status" in err ? String(err.status) : "500";
          return `${status}: ${err instanceof Error ? err.message : String(err)}`.slice(0, 160);
        },
      ),
    ),
  ).catch((err: unknown) => [`threw: ${String(err)}`]);
  clearInterval(sampler);
  sample();
  const report: ChildReport = { rssBeforeMb: Math.round(before / 2 ** 20), rssPeakMb: Math.round(peak / 2 ** 20), ms: Date.now() - started, answers };
  process.stdout.write(`report ${JSON.stringify(report)}\n`);
}

/** Runs a child (a fresh process, the app's heap ceiling) and reads its report, or its last sampled peak if it died. */
function runChild(mode: string, target: QueryTarget): Promise<string> {
  return new Promise((done) => {
    const p = spawn(process.execPath, ["--max-old-space-size=4096", "--import", "tsx", "bench/sql-budget.ts"], {
      env: { ...process.env, SQL_BUDGET_CHILD: mode, SQL_BUDGET_TARGET: JSON.stringify(target) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let lastPeak = 0;
    let report: ChildReport | undefined;
    let stderr = "";
    p.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      for (const line of chunk.split("\n")) {
        if (line.startsWith("peak ")) lastPeak = Number(line.slice(5));
        if (line.startsWith("report ")) report = JSON.parse(line.slice(7)) as ChildReport;
      }
    });
    p.stderr.setEncoding("utf8").on("data", (c: string) => (stderr = (stderr + c).slice(-2000)));
    p.on("exit", (code, signal) => {
      if (report) {
        const counts = new Map<string, number>();
        for (const a of report.answers) counts.set(a, (counts.get(a) ?? 0) + 1);
        const answers = [...counts].map(([a, n]) => `${n} × ${a}`).join("; ");
        done(`rss ${report.rssBeforeMb} MB → peak ${report.rssPeakMb} MB (+${report.rssPeakMb - report.rssBeforeMb} MB) in ${report.ms} ms; ${answers}`);
      } else {
        const why = /heap out of memory|Invalid string length|Reached heap limit/.exec(stderr)?.[0] ?? stderr.split("\n").filter(Boolean).pop();
        done(`process died (exit ${code ?? signal}: ${why}) at a sampled peak of ${lastPeak} MB`);
      }
    });
  });
}

async function main(): Promise<void> {
  const { db, service } = await benchSetup({ portRange: { start: 57400, end: 57499 } });
  console.log(`machine: ${machine()}; ${PARALLEL} parallel × ${QUERY}`);
  const user = await makeUser(db, "sql-budget@example.com");
  const ref = (await service.createProject(user, { name: "SQL budget" })).ref;
  try {
    await service.waitForIdle(ref);
    const d = await service.getProjectDetails(user, ref);
    if (d.status !== "ACTIVE_HEALTHY" || !d.dbPort) throw new Error(`${ref} ended ${d.status}`);
    const target: QueryTarget = { host: "127.0.0.1", port: d.dbPort, user: `postgres.${ref}`, password: d.dbPassword, database: "postgres" };
    console.log(`after (byte budget): ${await runChild("after", target)}`);
    if (BEFORE) {
      writeFileSync(LEGACY, execFileSync("git", ["show", `${BEFORE_COMMIT}:lib/api/database-query.ts`], { encoding: "utf8" }));
      try {
        console.log(`before (${BEFORE_COMMIT}, whole result in memory): ${await runChild("before", target)}`);
      } finally {
        rmSync(LEGACY, { force: true });
      }
    }
  } finally {
    await service.deleteProject(user, { ref, confirmRef: ref }).catch((err: unknown) => console.error(`delete ${ref}:`, err));
    await db.$disconnect();
  }
}

const childMode = process.env.SQL_BUDGET_CHILD;
(childMode ? child(childMode, JSON.parse(process.env.SQL_BUDGET_TARGET ?? "{}") as QueryTarget) : main()).catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
