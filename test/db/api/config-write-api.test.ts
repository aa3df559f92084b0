// The operations that change database access and configuration
// (lib/api/config-write-*.ts, lib/projects/login-roles.ts,
// lib/projects/postgres-settings.ts): the operations match upstream's paths,
// ids, methods, statuses and parameters, and each response fits upstream's
// schema with no field upstream lacks (the committed excerpt
// test/fixtures/upstream-openapi-config-write.json of supabase/cli
// packages/api/src/generated/openapi.json, commit
// 627e534b4f2b5f2f367e7e9a46fc4a0975a92ebe). The SQL the superuser runs is
// run on a real PostgreSQL server: the login role's SCRAM verifier is the one
// Postgres itself makes, expiry, membership, the sweep and the cap hold, and
// ALTER SYSTEM reaches new sessions.
import { readFileSync } from "node:fs";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configWriteOperations } from "@/lib/api/config-write-operations";
import { updatePostgresConfigBodySchema, updateStorageConfigBodySchema } from "@/lib/api/config-write-schemas";
import { ConfigWriteApi, type ConfigWriteProjects } from "@/lib/api/config-write-api";
import { buildOpenApiDocument } from "@/lib/api/openapi";
import { settingText } from "@/lib/api/settings-api";
import { createRoleSql, MAX_LIVE_ROLES, scramVerifier, sweepSql } from "@/lib/projects/login-roles";
import { alterSystemSql, parseTenantSettings } from "@/lib/projects/postgres-settings";
import type { TokenPrincipal } from "@/lib/tokens/service";
import { NotFoundError, ValidationError } from "@/lib/errors";
import { checkAgainst } from "@/test/support/json-schema-check";
import { startPostgres, type PgServer } from "@/test/support/postgres-server";

type Op = { operationId: string; parameters?: Array<{ name: string; in: string }>; responses: Record<string, { content?: unknown }>; requestBody?: unknown };
type Upstream = { "x-source": { commit: string }; paths: Record<string, Record<string, Op>>; components: { schemas: Record<string, Record<string, unknown>> } };
const upstream = JSON.parse(readFileSync("test/fixtures/upstream-openapi-config-write.json", "utf8")) as Upstream;
const check = (name: string, value: unknown) => checkAgainst(upstream, { $ref: `#/components/schemas/${name}` }, value, { noExtra: true });

const REF = "abcdefghijklmnopqrst";
const principal = { tokenId: "t1", admin: false, user: { id: "user-1", email: "ada@example.com", name: "Ada", role: "USER" } } as TokenPrincipal;

function fakes() {
  const calls: string[] = [];
  const own = (ref: string) => {
    if (ref !== REF) throw new NotFoundError("Project not found.");
  };
  const projects: ConfigWriteProjects = {
    createLoginRole: async (_a, ref, readOnly) => {
      own(ref);
      calls.push(`create:${readOnly}`);
      return { role: "cli_login_0123456789abcdef", password: "pw-from-the-csprng", ttlSeconds: 600 };
    },
    deleteLoginRoles: async (_a, ref) => {
      own(ref);
      calls.push("delete");
    },
    setFileSizeLimit: async (_a, ref, bytes) => {
      own(ref);
      calls.push(`size:${bytes}`);
      return { fileSizeLimitBytes: bytes };
    },
    applyPostgresSettings: async (_a, ref, values) => {
      own(ref);
      calls.push(`pg:${JSON.stringify(values)}`);
    },
  };
  const gated: string[] = [];
  const api = new ConfigWriteApi(projects, {
    gate: (userId, fn) => {
      gated.push(userId);
      return fn();
    },
    settings: { postgresConfig: async () => ({ statement_timeout: "90s", work_mem: "8MB", max_connections: 60 }) },
  });
  return { api, calls, gated };
}

describe("the fixture and the operation table", () => {
  it("is the cited excerpt", () => {
    expect(upstream["x-source"].commit).toBe("627e534b4f2b5f2f367e7e9a46fc4a0975a92ebe");
  });

  for (const [name, o] of Object.entries(configWriteOperations)) {
    it(`${name}: ${o.method} ${o.path} as upstream declares it, and in the OpenAPI document`, () => {
      const u = upstream.paths[o.path]?.[o.method.toLowerCase()];
      expect(u, `${o.method} ${o.path} in upstream's document`).toBeDefined();
      expect(o.operationId).toBe(u!.operationId);
      expect(Object.keys(u!.responses)).toContain(String(o.success.status));
      // A body exactly where upstream sends one.
      expect(Boolean(o.success.schema)).toBe(Boolean(u!.responses[String(o.success.status)]!.content));
      const doc = buildOpenApiDocument() as { paths: Record<string, Record<string, { operationId: string; parameters: Array<{ name: string; in: string }> }>> };
      const mine = doc.paths[o.path]![o.method.toLowerCase()]!;
      expect(mine.operationId).toBe(o.operationId);
      const upstreamParams = new Set((u!.parameters ?? []).map((p) => `${p.in}:${p.name}`));
      for (const p of mine.parameters) expect(upstreamParams, `${p.in} parameter ${p.name}`).toContain(`${p.in}:${p.name}`);
      const types = Object.keys(((u!.requestBody ?? {}) as { content?: Record<string, unknown> }).content ?? {});
      if (o.body) expect(types).toContain("application/json");
      else expect(types).toEqual([]);
    });
  }
});

describe("responses fit upstream's schemas; requests are held to the allow-lists", () => {
  it("login role: created and deleted through the service, under the SQL gate", async () => {
    const { api, calls, gated } = fakes();
    const role = await api.createLoginRole(principal, REF, false);
    expect(check("CreateRoleResponse", role)).toEqual([]);
    expect(role).toEqual({ role: "cli_login_0123456789abcdef", password: "pw-from-the-csprng", ttl_seconds: 600 });
    expect(check("DeleteRolesResponse", await api.deleteLoginRoles(principal, REF))).toEqual([]);
    expect(calls).toEqual(["create:false", "delete"]);
    expect(gated).toEqual(["user-1", "user-1"]);
    await expect(api.createLoginRole(principal, "zzzzzzzzzzzzzzzzzzzz", true)).rejects.toThrow(NotFoundError);
  });

  it("storage: upstream's example body is accepted; features other than what runs are refused naming them", async () => {
    const { api, calls } = fakes();
    const example = updateStorageConfigBodySchema.parse((upstream.components.schemas.UpdateStorageConfigBody as { example: unknown }).example);
    expect(await api.updateStorageConfig(principal, REF, example)).toBeUndefined();
    expect(calls).toEqual(["size:10485760"]);
    await expect(api.updateStorageConfig(principal, REF, { features: { s3Protocol: { enabled: true } } })).rejects.toThrow(ValidationError);
    await expect(api.updateStorageConfig(principal, REF, { external: { upstreamTarget: "canary" } })).rejects.toThrow(ValidationError);
    expect(updateStorageConfigBodySchema.safeParse({ fileSizeLimit: 1, extra: true }).success).toBe(false);
    expect(calls).toEqual(["size:10485760"]);
  });

  it("postgres: the allow-listed settings go through; every other upstream field is refused by name", async () => {
    const { api, calls } = fakes();
    const out = await api.updatePostgresConfig(principal, REF, updatePostgresConfigBodySchema.parse({ statement_timeout: "90s", work_mem: "8MB" }));
    expect(check("PostgresConfigResponse", out)).toEqual([]);
    expect(calls).toEqual([`pg:${JSON.stringify({ statement_timeout: "90s", work_mem: "8MB" })}`]);
    const example = (upstream.components.schemas.UpdatePostgresConfigBody as { example: unknown }).example;
    const refused = updatePostgresConfigBodySchema.safeParse(example);
    expect(refused.success).toBe(false);
    expect(JSON.stringify(refused.error?.issues)).toMatch(/max_connections cannot be changed on Supafleet/);
    const upstreamFields = Object.keys((upstream.components.schemas.UpdatePostgresConfigBody as { properties: object }).properties);
    // Every upstream field is known (refused by name, not as an unknown key); nothing beyond them is accepted.
    expect(Object.keys(updatePostgresConfigBodySchema.shape).sort()).toEqual([...upstreamFields].sort());
    expect(updatePostgresConfigBodySchema.safeParse({ restart_database: true }).success).toBe(false);
    expect(() => parseTenantSettings({ statement_timeout: "0" })).toThrow(ValidationError);
    expect(() => parseTenantSettings({ work_mem: "2GB" })).toThrow(ValidationError);
    expect(() => parseTenantSettings({ statement_timeout: "1.5ms" })).toThrow(ValidationError);
    // GET and PUT report pg_settings.reset_val with its unit, in a form Postgres and PUT accept back.
    expect([settingText("90000", "ms"), settingText("16384", "8kB"), settingText("8192", "kB"), settingText("on", null)]).toEqual([
      "90000ms",
      "131072kB",
      "8192kB",
      "on",
    ]);
    expect(parseTenantSettings({ statement_timeout: "2min", work_mem: "4MB", maintenance_work_mem: "64MB" })).toEqual([
      ["statement_timeout", 120_000],
      ["work_mem", 4096],
      ["maintenance_work_mem", 65_536],
    ]);
  });
});

describe("the superuser's SQL on a real PostgreSQL server", () => {
  let pgs: PgServer;
  let url: string;
  const sql = async (text: string) => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      return (await c.query(text)) as unknown as pg.QueryResult | pg.QueryResult[];
    } finally {
      await c.end();
    }
  };
  const rows = async (text: string) => {
    const r = await sql(text);
    return (Array.isArray(r) ? r[r.length - 1]! : r).rows as Array<Record<string, unknown>>;
  };

  beforeAll(async () => {
    pgs = await startPostgres();
    url = await pgs.createDatabase("config_write");
  }, 120_000);
  afterAll(async () => {
    await pgs?.stop();
  });

  it("stores the verifier Postgres itself makes for the password", async () => {
    await sql("SET password_encryption = 'scram-sha-256'; CREATE ROLE scram_probe LOGIN PASSWORD 'correct horse battery staple'");
    const [row] = await rows("SELECT rolpassword FROM pg_authid WHERE rolname = 'scram_probe'");
    const m = /^SCRAM-SHA-256\$(\d+):([^$]+)\$/.exec(String(row!.rolpassword))!;
    expect(scramVerifier("correct horse battery staple", Buffer.from(m[2]!, "base64"), Number(m[1]))).toBe(row!.rolpassword);
    expect(scramVerifier("wrong", Buffer.from(m[2]!, "base64"), Number(m[1]))).not.toBe(row!.rolpassword);
  });

  it("makes an expiring member of postgres, or a read-only reader; never with the password in the text", async () => {
    const verifier = scramVerifier("secret-password-1");
    const script = createRoleSql("cli_login_00000000000000aa", verifier, false, 600);
    expect(script).not.toContain("secret-password-1");
    await sql(script);
    const [r] = await rows(
      "SELECT rolcanlogin, rolinherit, extract(epoch from rolvaliduntil - now())::int AS ttl, rolpassword FROM pg_authid WHERE rolname = 'cli_login_00000000000000aa'",
    );
    expect(r).toMatchObject({ rolcanlogin: true, rolinherit: false, rolpassword: verifier });
    expect(Number(r!.ttl)).toBeGreaterThan(590);
    expect(Number(r!.ttl)).toBeLessThanOrEqual(600);
    expect(await rows("SELECT pg_has_role('cli_login_00000000000000aa', 'postgres', 'MEMBER') AS m")).toEqual([{ m: true }]);
    await sql(createRoleSql("cli_login_00000000000000bb", scramVerifier("x"), true, 600));
    expect(
      await rows(
        "SELECT pg_has_role('cli_login_00000000000000bb', 'pg_read_all_data', 'MEMBER') AS r, pg_has_role('cli_login_00000000000000bb', 'postgres', 'MEMBER') AS w",
      ),
    ).toEqual([{ r: true, w: false }]);
    expect(() => createRoleSql("cli_login_x'; drop role postgres; --", verifier, false, 600)).toThrow();
    expect(() => createRoleSql("cli_login_00000000000000cc", "plain-password", false, 600)).toThrow();
  });

  it("sweeps expired roles (their objects go to postgres), caps the live ones, and deletes all on request", async () => {
    await sql(
      "CREATE ROLE cli_login_00000000000000dd LOGIN VALID UNTIL '2000-01-01'; GRANT CREATE ON SCHEMA public TO cli_login_00000000000000dd; " +
        "SET ROLE cli_login_00000000000000dd; CREATE TABLE public.left_behind (id int); RESET ROLE",
    );
    await sql(sweepSql(false));
    expect(await rows("SELECT rolname FROM pg_roles WHERE rolname LIKE 'cli\\_login\\_%' ORDER BY 1")).toEqual([
      { rolname: "cli_login_00000000000000aa" },
      { rolname: "cli_login_00000000000000bb" },
    ]);
    expect(await rows("SELECT tableowner FROM pg_tables WHERE tablename = 'left_behind'")).toEqual([{ tableowner: "postgres" }]);
    for (let i = 2; i < MAX_LIVE_ROLES; i++) await sql(createRoleSql(`cli_login_${i.toString(16).padStart(16, "0")}`, scramVerifier("x"), false, 600));
    await expect(sql(createRoleSql("cli_login_00000000000000ff", scramVerifier("x"), false, 600))).rejects.toThrow(/too many live CLI login roles/);
    await sql(sweepSql(true));
    expect(await rows("SELECT count(*)::int AS n FROM pg_roles WHERE rolname LIKE 'cli\\_login\\_%'")).toEqual([{ n: 0 }]);
    await sql(sweepSql(true)); // idempotent
  });

  it("ALTER SYSTEM reaches new sessions after the reload", async () => {
    // psql (how the runtime runs it) sends each line's statement on its own; ALTER SYSTEM may not share a transaction.
    for (const line of alterSystemSql(parseTenantSettings({ statement_timeout: "90s", work_mem: "8MB" })).split("\n")) await sql(line);
    let seen: Array<Record<string, unknown>> = [];
    for (let i = 0; i < 20; i++) {
      seen = await rows("SELECT current_setting('statement_timeout') AS st, current_setting('work_mem') AS wm");
      if (seen[0]!.st === "90s") break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(seen).toEqual([{ st: "90s", wm: "8MB" }]);
    await sql("ALTER SYSTEM RESET ALL");
    await sql("SELECT pg_reload_conf()");
  });
});
