// The Edge Functions and secrets route files through apiRoute, with a real
// token in a real (SQLite) database and the ManagementApi replaced by a
// recorder: the wiring of each route (path, query and body to the right
// method), the status codes upstream declares, and body-less successes
// answered with Content-Length: 0 (openapi-fetch parses a body otherwise).
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiRuntime } from "@/lib/api";
import type { ManagementApi } from "@/lib/api/management-api";
import { MemoryWindowLimiter } from "@/lib/api/rate-limit";
import { createDb, type Db } from "@/lib/db/client";
import { migrate } from "@/lib/db/migrate";
import { createToken } from "@/lib/tokens/service";
import * as secretsRoute from "@/app/v1/projects/[ref]/secrets/route";
import * as functionsRoute from "@/app/v1/projects/[ref]/functions/route";
import * as deployRoute from "@/app/v1/projects/[ref]/functions/deploy/route";
import * as functionRoute from "@/app/v1/projects/[ref]/functions/[function_slug]/route";
import * as bodyRoute from "@/app/v1/projects/[ref]/functions/[function_slug]/body/route";

const REF = "abcdefghijklmnopqrst";
const tmp = mkdtempSync(join(tmpdir(), "supafleet-fnroutes-"));
let db: Db;
let token: string;
const calls: Array<[string, unknown[]]> = [];
const FN = { id: "i", slug: "s", name: "n", status: "ACTIVE", version: 1, created_at: 1, updated_at: 2 };

// Only the methods these routes call; each records its arguments (without the principal).
const recorder = new Proxy({} as Record<string, unknown>, {
  get:
    (_t, name: string) =>
    async (...args: unknown[]) => {
      calls.push([name, args.slice(1)]);
      if (name === "listSecrets") return [{ name: "A", value: "digest" }];
      if (name === "listFunctions") return [FN];
      if (name === "functionBody") return new Response("multipart", { headers: { "content-type": "multipart/form-data; boundary=x" } });
      if (name === "bulkUpdateFunctions") return { functions: [FN] };
      if (["getFunction", "deployFunction", "updateFunction"].includes(name)) return FN;
      return undefined;
    },
}) as unknown as ManagementApi;

beforeAll(async () => {
  const url = `file:${join(tmp, "t.db")}`;
  await migrate(url);
  db = createDb(url);
  const u = await db.user.create({ data: { id: randomUUID(), email: "routes@example.com", passwordHash: "x" } });
  token = (await createToken(db, { id: u.id, email: u.email, name: null, role: "USER" }, { name: "t", expiresInDays: "1" })).token;
  const runtime: ApiRuntime = { db, api: recorder, limiter: new MemoryWindowLimiter({ points: 1000, windowMs: 60_000 }) };
  (globalThis as unknown as { supafleetApi?: ApiRuntime }).supafleetApi = runtime;
});

afterAll(async () => {
  delete (globalThis as unknown as { supafleetApi?: ApiRuntime }).supafleetApi;
  await db?.$disconnect();
  rmSync(tmp, { recursive: true, force: true });
});

const ctx = (params: Record<string, string>) => ({ params: Promise.resolve(params) });
function req(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Request {
  return new Request(`http://supafleet.test${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
}

describe("secrets routes", () => {
  it("GET lists; POST answers 201 and DELETE 200, both with Content-Length: 0", async () => {
    const list = await secretsRoute.GET(req("GET", `/v1/projects/${REF}/secrets`), ctx({ ref: REF }));
    expect(list.status).toBe(200);
    expect(await list.json()).toEqual([{ name: "A", value: "digest" }]);

    const post = await secretsRoute.POST(req("POST", `/v1/projects/${REF}/secrets`, [{ name: "MY_KEY", value: "v" }]), ctx({ ref: REF }));
    expect(post.status).toBe(201);
    expect(post.headers.get("content-length")).toBe("0");
    expect(await post.text()).toBe("");
    expect(calls.at(-1)).toEqual(["createSecrets", [REF, [{ name: "MY_KEY", value: "v" }]]]);

    const del = await secretsRoute.DELETE(req("DELETE", `/v1/projects/${REF}/secrets`, ["MY_KEY"]), ctx({ ref: REF }));
    expect(del.status).toBe(200);
    expect(del.headers.get("content-length")).toBe("0");
    expect(calls.at(-1)).toEqual(["deleteSecrets", [REF, ["MY_KEY"]]]);
  });

  it("refuses a SUPABASE_ name with 400 naming the field, before the API is called", async () => {
    const n = calls.length;
    const res = await secretsRoute.POST(req("POST", `/v1/projects/${REF}/secrets`, [{ name: "SUPABASE_URL", value: "v" }]), ctx({ ref: REF }));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toMatch(/body\.0\.name: Secret names must not start with SUPABASE_/);
    expect(calls.length).toBe(n);
  });

  it("401 without a token", async () => {
    const res = await secretsRoute.GET(new Request(`http://supafleet.test/v1/projects/${REF}/secrets`), ctx({ ref: REF }));
    expect(res.status).toBe(401);
  });
});

describe("functions routes", () => {
  it("list, bulk update, get, update, body, delete reach the right methods with upstream's statuses", async () => {
    expect((await functionsRoute.GET(req("GET", `/v1/projects/${REF}/functions`), ctx({ ref: REF }))).status).toBe(200);
    const bulk = [{ id: "i", slug: "hello_2", name: "n", status: "ACTIVE", version: 2 }];
    const put = await functionsRoute.PUT(req("PUT", `/v1/projects/${REF}/functions`, bulk), ctx({ ref: REF }));
    expect(put.status).toBe(200);
    expect(calls.at(-1)).toEqual(["bulkUpdateFunctions", [REF, bulk]]);

    const p = { ref: REF, function_slug: "hello_2" };
    expect((await functionRoute.GET(req("GET", `/v1/projects/${REF}/functions/hello_2`), ctx(p))).status).toBe(200);
    const patch = await functionRoute.PATCH(req("PATCH", `/v1/projects/${REF}/functions/hello_2?verify_jwt=false&name=q`, { name: "Body wins" }), ctx(p));
    expect(patch.status).toBe(200);
    expect(calls.at(-1)).toEqual(["updateFunction", [REF, "hello_2", { name: "Body wins", verify_jwt: false }]]);
    const patchCode = await functionRoute.PATCH(req("PATCH", `/v1/projects/${REF}/functions/hello_2`, { body: "Deno.serve()" }), ctx(p));
    expect(patchCode.status).toBe(400);

    const body = await bodyRoute.GET(req("GET", `/v1/projects/${REF}/functions/hello_2/body`), ctx(p));
    expect(body.headers.get("content-type")).toMatch(/^multipart\/form-data/);

    const del = await functionRoute.DELETE(req("DELETE", `/v1/projects/${REF}/functions/hello_2`), ctx(p));
    expect(del.status).toBe(200);
    expect(del.headers.get("content-length")).toBe("0");
    expect(calls.at(-1)).toEqual(["deleteFunction", [REF, "hello_2"]]);
  });

  it("deploy answers 201 and hands the request over unread; a bad slug is a 400", async () => {
    const res = await deployRoute.POST(
      req("POST", `/v1/projects/${REF}/functions/deploy?slug=hello&bundleOnly=true`, "--x--", { "content-type": "multipart/form-data; boundary=x" }),
      ctx({ ref: REF }),
    );
    expect(res.status).toBe(201);
    const [name, args] = calls.at(-1)!;
    expect(name).toBe("deployFunction");
    expect(args[0]).toBe(REF);
    expect(args[1]).toBe("hello");
    expect(args[2]).toBeInstanceOf(Request);
    const bad = await deployRoute.POST(req("POST", `/v1/projects/${REF}/functions/deploy?slug=..%2Fmain`, "x"), ctx({ ref: REF }));
    expect(bad.status).toBe(400);
  });
});
