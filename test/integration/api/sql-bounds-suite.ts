// The Management API's SQL endpoint (ManagementApi.runQuery, the service layer
// under POST /v1/projects/{ref}/database/query) against a real stand-in
// project: real PostgreSQL behind the Supavisor stand-in on the project's
// leased port. Results far past the byte budget are refused with 413 while
// this process's memory stays bounded and the database stops working on
// them; a statement timeout lifted by the SQL itself is still enforced; the
// concurrency limit counts per user across tokens; ordinary queries answer as
// before. The project is the one of
// test/integration/standins/newest-template.test.ts (test/support/standin-project.ts);
// its table "notes" is a name no other suite there uses.
import { beforeAll, describe, expect, it } from "vitest";
import { ManagementApi } from "@/lib/api/management-api";
import { OrganizationService } from "@/lib/orgs/service";
import { DEFAULT_QUERY_LIMITS, type QueryLimits } from "@/lib/api/database-query";
import { isAppError, type AppError, type RateLimitedError } from "@/lib/errors";
import type { TokenPrincipal } from "@/lib/tokens/service";
import type { SessionUser } from "@/lib/auth/actor";
import type { Installation } from "@/test/support/installation";
import type { StandinProject } from "@/test/support/standin-project";

// Short, so the timeout tests take seconds.
const LIMITS: QueryLimits = { ...DEFAULT_QUERY_LIMITS, statementTimeoutMs: 3_000, cancelGraceMs: 1_000 };
const OVERSIZED = "select repeat('x', 20000) from generate_series(1, 50000)"; // ~1 GB of rows

export function sqlBoundsSuite(project: () => StandinProject): void {
  let inst: Installation;
  let user: SessionUser;
  let ref: string | undefined;

  function api(concurrency = { perUser: 2, overall: 8 }, limits = LIMITS): ManagementApi {
    return new ManagementApi(inst.service, {
      dbImage: "unused",
      databaseHost: "127.0.0.1",
      queryLimits: limits,
      queryConcurrency: concurrency,
      organizations: new OrganizationService(inst.db),
    });
  }

  function token(tokenId: string): TokenPrincipal {
    return { user, tokenId, admin: false };
  }

  async function failure(p: Promise<unknown>): Promise<AppError> {
    const err = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!isAppError(err)) throw new Error(`expected an AppError, got ${err instanceof Error ? err.stack : String(err)}`);
    return err;
  }

  /** Other backends of the Management API still in the project's database (the one asking excluded). */
  async function leftover(a: ManagementApi): Promise<unknown[]> {
    return a.runQuery(token("watch"), ref!, {
      query:
        "select pid, state, left(query, 60) as query from pg_stat_activity where application_name = 'supafleet-management-api' and pid <> pg_backend_pid()",
    });
  }

  describe("the SQL endpoint's bounds", () => {
    beforeAll(() => {
      ({ inst, owner: user, ref } = project());
    });

    it("answers ordinary queries as before: the last statement's rows, parameters, read_only", async () => {
      const a = api();
      const rows = await a.runQuery(token("t1"), ref!, {
        query:
          "create table notes (id int primary key, body text); insert into notes values (1, 'hi'), (2, 'there'); select id, body from notes order by id; select 'done' as x where false",
      });
      expect(rows).toEqual([
        { id: 1, body: "hi" },
        { id: 2, body: "there" },
      ]);
      expect(await a.runQuery(token("t1"), ref!, { query: "select $1::int + 1 as n, current_user as who", parameters: [41] })).toEqual([
        { n: 42, who: "postgres" },
      ]);
      expect(await a.runQuery(token("t1"), ref!, { query: "select count(*) as n from notes", read_only: true })).toEqual([{ n: 2 }]);
      const ro = await failure(a.runQuery(token("t1"), ref!, { query: "delete from notes", read_only: true }));
      expect([ro.status, ro.message]).toEqual([400, expect.stringMatching(/read-only transaction/)]);
      const missing = await failure(a.runQuery(token("t1"), ref!, { query: "select * from nowhere" }));
      expect([missing.status, missing.message]).toEqual([400, expect.stringMatching(/42P01.*nowhere/)]);
      // Exactly the row cap still comes back; one more is refused.
      expect(await a.runQuery(token("t1"), ref!, { query: "select g from generate_series(1, 50000) g" })).toHaveLength(50_000);
      const over = await failure(a.runQuery(token("t1"), ref!, { query: "select g from generate_series(1, 50001) g" }));
      expect([over.status, over.message]).toEqual([413, expect.stringMatching(/more than 50000 rows/)]);
      // Postgres's own statement timeout answers as before.
      const slow = await failure(a.runQuery(token("t1"), ref!, { query: "select pg_sleep(10)" }));
      expect([slow.status, slow.message]).toEqual([400, expect.stringMatching(/57014: canceling statement due to statement timeout/)]);
    });

    it("refuses 8 parallel oversized results with 413, with this process's memory bounded and the database stopped", async () => {
      // The default 55 s: 8 reads at once on 2 shared cores must reach the budget before any timeout.
      const a = api({ perUser: 8, overall: 8 }, DEFAULT_QUERY_LIMITS);
      global.gc?.();
      const before = process.memoryUsage().rss;
      let peak = before;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
      const started = Date.now();
      let errors: AppError[];
      try {
        errors = await Promise.all(Array.from({ length: 8 }, (_, i) => failure(a.runQuery(token(`t${i}`), ref!, { query: OVERSIZED }))));
      } finally {
        clearInterval(sampler);
      }
      const growthMb = (peak - before) / 2 ** 20;
      console.log(`8 oversized queries: rss ${Math.round(before / 2 ** 20)} MB before, peak +${Math.round(growthMb)} MB, ${Date.now() - started} ms`);
      for (const e of errors) {
        expect(e.status, e.message).toBe(413);
        expect(e.message).toMatch(/Query result size exceeded the configured limit \(33554432 bytes, 32 MB\)/);
      }
      // 8 × the 32 MB budget, plus parsing; before the budget two such queries took 3.2 GB.
      expect(growthMb).toBeLessThan(400);
      // The database is not left sending rows no one reads.
      await expect.poll(() => leftover(a), { timeout: 10_000, interval: 250 }).toEqual([]);
    });

    it("cuts a query whose SQL lifted statement_timeout, on the server, even one that catches cancels", async () => {
      const a = api();
      for (const query of [
        "set statement_timeout = 0; select pg_sleep(60)",
        // A cancel (pg_cancel_backend, or statement_timeout) can be caught in PL/pgSQL; termination cannot.
        "set statement_timeout = 0; do $$ begin loop begin perform pg_sleep(60); exception when query_canceled then null; end; end loop; end $$",
      ]) {
        const started = Date.now();
        const err = await failure(a.runQuery(token("t1"), ref!, { query }));
        const took = Date.now() - started;
        expect([err.status, err.message]).toEqual([
          408,
          expect.stringMatching(/Query read timeout: the query ran longer than 4 s and was stopped on the server/),
        ]);
        expect(took).toBeGreaterThanOrEqual(LIMITS.statementTimeoutMs + LIMITS.cancelGraceMs);
        expect(took).toBeLessThan(LIMITS.statementTimeoutMs + LIMITS.cancelGraceMs + 5_000);
        await expect.poll(() => leftover(a), { timeout: 10_000, interval: 250 }).toEqual([]);
      }
      // Within the bound, a text whose SQL lifted the setting runs to its end, as before.
      expect(await a.runQuery(token("t1"), ref!, { query: "set statement_timeout = 0; select pg_sleep(1); select pg_sleep(1) as slept" })).toEqual([
        { slept: "" },
      ]);
    });

    it("counts running queries per user, across that user's tokens", async () => {
      const a = api({ perUser: 2, overall: 8 });
      const sleeping = [
        a.runQuery(token("first"), ref!, { query: "select pg_sleep(2) as a" }),
        a.runQuery(token("second"), ref!, { query: "select pg_sleep(2) as b" }),
      ];
      // Both past their project lookup and running (each sleeps 2 s).
      await new Promise((r) => setTimeout(r, 700));
      // A third token of the same user is refused while two run, with Retry-After.
      const refused = await failure(a.runQuery(token("third"), ref!, { query: "select 1 as c" }));
      expect(refused.status).toBe(429);
      expect((refused as RateLimitedError).retryAfterSeconds).toBe(1);
      expect(refused.message).toMatch(/running at once for this account \(at most 2\)/);
      expect(await Promise.all(sleeping)).toEqual([[{ a: "" }], [{ b: "" }]]);
      // Once they end, the user runs queries again.
      expect(await a.runQuery(token("third"), ref!, { query: "select 1 as c" })).toEqual([{ c: 1 }]);
    });
  });
}
