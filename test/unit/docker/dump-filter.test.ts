// The filter between pg_dumpall and psql in a Postgres major upgrade
// (lib/docker/pg-upgrade.ts): it drops exactly the superuser's CREATE/DROP
// ROLE lines and passes everything else byte for byte, however the stream is cut.
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { LineFilter, rewriteDumpLine, skippedDumpLines } from "@/lib/docker/dump-filter";

async function through(chunks: Buffer[]): Promise<{ out: string; dropped: number }> {
  const f = new LineFilter(skippedDumpLines("supabase_admin"));
  const parts: Buffer[] = [];
  for await (const c of Readable.from(chunks).pipe(f)) parts.push(c as Buffer);
  return { out: Buffer.concat(parts).toString("utf8"), dropped: f.dropped };
}

const dump = [
  "--",
  "-- PostgreSQL database cluster dump",
  "--",
  "DROP ROLE IF EXISTS authenticator;",
  "DROP ROLE IF EXISTS supabase_admin;",
  "CREATE ROLE authenticator;",
  "ALTER ROLE authenticator WITH NOSUPERUSER NOINHERIT LOGIN PASSWORD 'SCRAM-SHA-256$4096:abc';",
  "CREATE ROLE supabase_admin;",
  "ALTER ROLE supabase_admin WITH SUPERUSER INHERIT CREATEROLE CREATEDB LOGIN REPLICATION BYPASSRLS PASSWORD 'SCRAM-SHA-256$4096:def';",
  "COPY public.notes (id, body) FROM stdin;",
  "1\tCREATE ROLE supabase_admin;",
  "2\tünïcødé " + "x".repeat(5000),
  "\\.",
  "",
].join("\n");

describe("the dump filter", () => {
  it("drops only the superuser's own CREATE and DROP ROLE lines", async () => {
    const { out, dropped } = await through([Buffer.from(dump)]);
    expect(dropped).toBe(2);
    expect(out).toBe(dump.replace("DROP ROLE IF EXISTS supabase_admin;\n", "").replace("CREATE ROLE supabase_admin;\nALTER", "ALTER"));
    expect(out).toContain("ALTER ROLE supabase_admin WITH SUPERUSER");
    // a data row that happens to read like one is not a line of its own and stays
    expect(out).toContain("1\tCREATE ROLE supabase_admin;");
  });

  it("gives the same bytes however the stream is cut, even inside a multi-byte character", async () => {
    const bytes = Buffer.from(dump);
    const whole = await through([bytes]);
    for (const size of [1, 3, 7, 64, 1000]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
      expect(await through(chunks)).toEqual(whole);
    }
  });

  it("drops the postgres database WITH (FORCE) (pg_cron's launcher holds a session there) and restores postgres a superuser; nothing else changes", async () => {
    const text =
      "ALTER ROLE postgres WITH NOSUPERUSER INHERIT CREATEROLE CREATEDB LOGIN REPLICATION BYPASSRLS PASSWORD 'SCRAM-SHA-256$4096:x';\nALTER ROLE anon WITH NOSUPERUSER NOINHERIT;\n\\connect template1\nDROP DATABASE postgres;\nCREATE DATABASE postgres WITH TEMPLATE = template0;\n1\tDROP DATABASE postgres;\nDROP DATABASE app;\n";
    const filter = new LineFilter(skippedDumpLines("supabase_admin"), rewriteDumpLine);
    const chunks: Buffer[] = [];
    for await (const c of Readable.from([Buffer.from(text)]).pipe(filter)) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).toString("utf8")).toBe(
      "ALTER ROLE postgres WITH SUPERUSER INHERIT CREATEROLE CREATEDB LOGIN REPLICATION BYPASSRLS PASSWORD 'SCRAM-SHA-256$4096:x';\nALTER ROLE anon WITH NOSUPERUSER NOINHERIT;\n\\connect template1\nDROP DATABASE postgres WITH (FORCE);\nCREATE DATABASE postgres WITH TEMPLATE = template0;\n1\tDROP DATABASE postgres;\nDROP DATABASE app;\n",
    );
  });

  it("keeps a last line without a newline", async () => {
    expect((await through([Buffer.from("SELECT 1;\nSELECT 2;")])).out).toBe("SELECT 1;\nSELECT 2;");
    expect((await through([Buffer.from("SELECT 1;\nCREATE ROLE supabase_admin;")])).out).toBe("SELECT 1;\n");
  });
});
