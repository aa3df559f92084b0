// The organization route files through apiRoute, with real tokens, the real
// ManagementApi and OrganizationService on a real (SQLite) database: paths,
// bodies and statuses as upstream declares them, and each token acting with
// its owner's role.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiRuntime } from "@/lib/api";
import { ManagementApi } from "@/lib/api/management-api";
import { MemoryWindowLimiter } from "@/lib/api/rate-limit";
import { OrganizationService } from "@/lib/orgs/service";
import { createToken } from "@/lib/tokens/service";
import type { SessionUser } from "@/lib/auth/actor";
import * as orgsRoute from "@/app/v1/organizations/route";
import * as orgRoute from "@/app/v1/organizations/[slug]/route";
import * as membersRoute from "@/app/v1/organizations/[slug]/members/route";
import { addUser, projectServiceFixture, tempFolder, type ProjectFixture } from "@/test/support/project-service-fixture";

const dir = tempFolder("org-routes");
let fx: ProjectFixture;
const tokens: Record<"owner" | "dev" | "stranger", string> = { owner: "", dev: "", stranger: "" };
const users = {} as Record<keyof typeof tokens, SessionUser>;

beforeAll(async () => {
  fx = await projectServiceFixture({ dir });
  const organizations = new OrganizationService(fx.db);
  const api = new ManagementApi(fx.service, { dbImage: "supabase/postgres:17.6.1.054", databaseHost: "127.0.0.1", organizations });
  for (const who of Object.keys(tokens) as Array<keyof typeof tokens>) {
    users[who] = await addUser(fx.db, `${who}@example.com`);
    tokens[who] = (await createToken(fx.db, users[who], { name: "t", expiresInDays: "1" })).token;
  }
  const runtime: ApiRuntime = { db: fx.db, api, limiter: new MemoryWindowLimiter({ points: 1000, windowMs: 60_000 }) };
  (globalThis as unknown as { supafleetApi?: ApiRuntime }).supafleetApi = runtime;
});

afterAll(async () => {
  delete (globalThis as unknown as { supafleetApi?: ApiRuntime }).supafleetApi;
  await fx.db.$disconnect();
});

const ctx = (params: Record<string, string>) => ({ params: Promise.resolve(params) });
function req(who: keyof typeof tokens, method: string, path: string, body?: unknown): Request {
  return new Request(`http://supafleet.test${path}`, {
    method,
    headers: { authorization: `Bearer ${tokens[who]}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

describe("organization routes", () => {
  it("POST creates (201, the creator Owner), GET lists, gets by slug and lists members; others get 404", async () => {
    const created = await orgsRoute.POST(req("owner", "POST", "/v1/organizations", { name: "Route Co" }), ctx({}));
    expect(created.status).toBe(201);
    const org = (await created.json()) as { id: string; slug: string; name: string };
    expect(org).toEqual({ id: org.slug, slug: org.slug, name: "Route Co" });

    const list = await orgsRoute.GET(req("owner", "GET", "/v1/organizations"), ctx({}));
    expect(list.status).toBe(200);
    expect(((await list.json()) as Array<{ slug: string }>).map((o) => o.slug)).toEqual([users.owner.id, org.slug]);

    const one = await orgRoute.GET(req("owner", "GET", `/v1/organizations/${org.slug}`), ctx({ slug: org.slug }));
    expect(await one.json()).toEqual({ id: org.slug, name: "Route Co", opt_in_tags: [], allowed_release_channels: ["ga"] });

    await new OrganizationService(fx.db).addMember(users.owner, { slug: org.slug, email: users.dev.email, role: "READ_ONLY" });
    const members = await membersRoute.GET(req("dev", "GET", `/v1/organizations/${org.slug}/members`), ctx({ slug: org.slug }));
    expect(members.status).toBe(200);
    expect(await members.json()).toEqual([
      { user_id: users.owner.id, user_name: users.owner.email, email: users.owner.email, role_name: "Owner", mfa_enabled: false },
      { user_id: users.dev.id, user_name: users.dev.email, email: users.dev.email, role_name: "Read-only", mfa_enabled: false },
    ]);

    for (const res of [
      await orgRoute.GET(req("stranger", "GET", `/v1/organizations/${org.slug}`), ctx({ slug: org.slug })),
      await membersRoute.GET(req("stranger", "GET", `/v1/organizations/${org.slug}/members`), ctx({ slug: org.slug })),
    ]) {
      expect(res.status).toBe(404);
      expect(((await res.json()) as { message: string }).message).toMatch(/Organization not found/);
    }
  });

  it("refuses hostile slugs and bodies with 400, and unsigned calls with 401", async () => {
    const bad = await membersRoute.GET(req("owner", "GET", "/v1/organizations/..%2Fx/members"), ctx({ slug: "../x" }));
    expect(bad.status).toBe(400);
    const extra = await orgsRoute.POST(req("owner", "POST", "/v1/organizations", { name: "X Co", billing: "free" }), ctx({}));
    expect(extra.status).toBe(400);
    const script = await orgsRoute.POST(req("owner", "POST", "/v1/organizations", { name: "<script>" }), ctx({}));
    expect(script.status).toBe(400);
    const anon = await orgsRoute.GET(new Request("http://supafleet.test/v1/organizations"), ctx({}));
    expect(anon.status).toBe(401);
  });
});
