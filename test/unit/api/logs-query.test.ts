// The logs endpoint without Logflare (lib/api/logs-query.ts, lib/api/logs-api.ts):
// the simple queries tools send are answered from container log lines in
// upstream's AnalyticsResponse shape (the committed excerpt
// test/fixtures/upstream-openapi-config-write.json of supabase/cli
// packages/api/src/generated/openapi.json, commit
// 627e534b4f2b5f2f367e7e9a46fc4a0975a92ebe); anything else is a 400 naming it.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { logRows, parseLogsQuery } from "@/lib/api/logs-query";
import { LogsApi } from "@/lib/api/logs-api";
import { NotFoundError, ValidationError } from "@/lib/errors";
import type { TokenPrincipal } from "@/lib/tokens/service";
import type { LogLine } from "@/lib/stack/types";
import { checkAgainst } from "@/test/support/json-schema-check";

const upstream = JSON.parse(readFileSync("test/fixtures/upstream-openapi-config-write.json", "utf8")) as {
  components: { schemas: Record<string, Record<string, unknown>> };
};
const NOW = Date.parse("2026-12-07T12:00:00Z");
const principal = { tokenId: "t", admin: false, user: { id: "u1", email: "a@example.com", name: "A", role: "USER" } } as TokenPrincipal;

const lines: LogLine[] = [
  { stream: "stdout", time: "2026-12-07T11:58:00.000000001Z", line: "too old" },
  { stream: "stdout", time: "2026-12-07T11:59:30.123456789Z", line: "first" },
  { stream: "stderr", time: "2026-12-07T11:59:45.000001000Z", line: "second" },
  { stream: "stdout", line: "no time" },
];

describe("parseLogsQuery", () => {
  it("defaults to edge_logs over the last minute, newest first, as upstream documents", () => {
    expect(parseLogsQuery({}, NOW)).toMatchObject({
      source: "edge_logs",
      services: ["api-gw", "kong"],
      fromMs: NOW - 60_000,
      toMs: NOW,
      order: "desc",
      limit: 100,
    });
  });

  it("reads a source, columns, time bounds, order and limit", () => {
    const q = parseLogsQuery(
      {
        sql: "SELECT timestamp, event_message FROM postgres_logs WHERE timestamp >= '2026-12-07T11:00:00Z' AND timestamp < '2026-12-07T11:30:00Z' ORDER BY timestamp ASC LIMIT 5",
        iso_timestamp_start: "2026-12-07T10:00:00Z",
        iso_timestamp_end: "2026-12-07T12:00:00Z",
      },
      NOW,
    );
    expect(q).toMatchObject({ services: ["db"], columns: ["timestamp", "event_message"], order: "asc", limit: 5 });
    expect([q.fromMs, q.toMs]).toEqual([Date.parse("2026-12-07T11:00:00Z"), Date.parse("2026-12-07T11:30:00Z")]);
  });

  it("refuses what it cannot answer, naming it", () => {
    const bad: Array<[string, RegExp]> = [
      ["select id from edge_logs cross join unnest(metadata) as m", /not one simple select/],
      ["select * from secret_table", /source secret_table/],
      ["select metadata from auth_logs", /column metadata/],
      ["select * from auth_logs where event_message like '%x%'", /not a time bound/],
      ["select * from auth_logs limit 5000", /more than 1000/],
      ["delete from auth_logs", /not one simple select/],
    ];
    for (const [sql, message] of bad) {
      const err = (() => {
        try {
          parseLogsQuery({ sql }, NOW);
        } catch (e) {
          return e;
        }
      })();
      expect(err, sql).toBeInstanceOf(ValidationError);
      expect(JSON.stringify((err as ValidationError).fieldErrors), sql).toMatch(message);
    }
    expect(() => parseLogsQuery({ iso_timestamp_start: "2026-12-05T00:00:00Z", iso_timestamp_end: "2026-12-07T00:00:00Z" }, NOW)).toThrow(/24 hours/);
    expect(() => parseLogsQuery({ iso_timestamp_start: "yesterday" }, NOW)).toThrow(ValidationError);
  });
});

describe("rows from container lines", () => {
  it("keeps the range, orders, limits, and fits upstream's AnalyticsResponse", async () => {
    const q = parseLogsQuery({ sql: "select * from auth_logs order by timestamp desc limit 10" }, NOW);
    const rows = logRows(q, lines);
    expect(rows.map((r) => r.event_message)).toEqual(["second", "first"]);
    expect(rows[1]!.timestamp).toBe(Date.parse("2026-12-07T11:59:30.123Z") * 1000 + 456);
    expect(new Set(rows.map((r) => r.id)).size).toBe(2);
    expect(checkAgainst(upstream, { $ref: "#/components/schemas/AnalyticsResponse" }, { result: rows }, { noExtra: true })).toEqual([]);
    expect(logRows(parseLogsQuery({ sql: "select event_message from auth_logs order by timestamp asc limit 1" }, NOW), lines)).toEqual([
      { event_message: "first" },
    ]);
  });

  it("reads the source's first service with a container, through the owner's logs", async () => {
    const asked: string[] = [];
    const api = new LogsApi(
      {
        logs: async (_a, ref, service) => {
          asked.push(`${ref}/${service}`);
          if (service === "api-gw") throw new NotFoundError("supafleet-x-api-gw has no container yet.");
          return (async function* () {
            yield* lines;
          })();
        },
      },
      (_u, fn) => fn(),
    );
    const out = await api.logs(principal, "abcdefghijklmnopqrst", { iso_timestamp_start: "2026-12-07T11:59:00Z", iso_timestamp_end: "2026-12-07T12:00:00Z" });
    expect(out.result).toHaveLength(2);
    expect(asked).toEqual(["abcdefghijklmnopqrst/api-gw", "abcdefghijklmnopqrst/kong"]);
  });
});
