// The REST stand-in (test/standins/rest) as a double of PostgREST v14: a
// project on the newest template (test/support/standin-project.ts, shared with
// the other suites of newest-template.test.ts), reached through a real nginx
// by subdomain and the template's gateway, a real PostgreSQL behind it.
// Tables with RLS policies `auth.uid() = user_id` are made through /pg/; two
// users' tokens are signed as GoTrue signs them (user A HS256 with the JWT
// secret, user B ES256 with the signing key, which PostgREST must verify from
// the JWKS the template gives it); supabase-js and plain HTTP check rows,
// ranges, filters, and PostgREST's error bodies and statuses. Its tables
// (todos, tags, request_log) are its own: no other suite of the file uses
// these names.
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { type Answer, RestProject } from "@/test/integration/standins/rest-project";
import { once, type StandinProject } from "@/test/support/standin-project";

export function restStandinSuite(project: () => StandinProject): void {
  const p = new RestProject(project);
  const userA = randomUUID();
  const userB = randomUUID();
  let tokenA = "";
  let tokenB = "";
  const rest = p.rest.bind(p);
  const client = p.client.bind(p);

  // Run by whichever of the two describe blocks starts first (either may run alone with -t).
  const setup = once(async () => {
    const now = Math.floor(Date.now() / 1000);
    tokenA = await p.signHs256(p.claimsFor(userA, now));
    tokenB = await p.signEs256(p.claimsFor(userB, now));
  });

  const MARKED = { standin: "rest", mode: "double" };
  const marks = (a: Answer) => ({ standin: a.headers.get("x-supafleet-standin"), mode: a.headers.get("x-supafleet-standin-mode") });

  describe("REST stand-in: a PostgREST double on the real database", () => {
    beforeAll(setup);

    it("finds a table only after NOTIFY pgrst reloads its schema cache (PGRST205 before, with PostgREST's hint)", async () => {
      await p.pgQuery(
        [
          // auth.uid() as supabase/auth migrations/20220224000811_update_auth_functions.up.sql defines it
          // (the DB stand-in has no Auth schema functions of its own; created only where missing).
          `grant usage on schema auth to anon, authenticated, service_role`,
          `do $do$ begin if not exists (select 1 from pg_proc where proname = 'uid' and pronamespace = 'auth'::regnamespace) then
           execute 'create function auth.uid() returns uuid language sql stable as $f$
             select coalesce(nullif(current_setting(''request.jwt.claim.sub'', true), ''''),
                             (nullif(current_setting(''request.jwt.claims'', true), '''')::jsonb ->> ''sub''))::uuid $f$';
         end if; end $do$`,
          `create table public.todos (id bigint generated always as identity primary key, user_id uuid not null default auth.uid(),
           title text not null, rank int, done boolean not null default false)`,
          `alter table public.todos enable row level security`,
          `grant select, insert, update, delete on public.todos to authenticated`,
          `grant select on public.todos to anon`,
          `create policy own_select on public.todos for select using (auth.uid() = user_id)`,
          `create policy own_insert on public.todos for insert with check (auth.uid() = user_id)`,
          `create policy own_update on public.todos for update using (auth.uid() = user_id) with check (auth.uid() = user_id)`,
          `create policy own_delete on public.todos for delete using (auth.uid() = user_id)`,
          `create table public.tags (name text primary key)`,
          `grant select, insert on public.tags to authenticated`,
          `create table public.request_log (id int generated always as identity primary key,
           method text default current_setting('request.method', true), path text default current_setting('request.path', true),
           probe text default (current_setting('request.headers', true)::json ->> 'x-probe'),
           sub text default (current_setting('request.jwt.claims', true)::json ->> 'sub'),
           db_role text default current_user, jwt_exp text default current_setting('app.settings.JWT_EXP', true))`,
          `grant select, insert on public.request_log to authenticated`,
        ].join(";\n"),
      );
      const before = await rest("/todos");
      expect(marks(before)).toEqual(MARKED);
      expect(before.status).toBe(404);
      expect(before.json).toEqual({ code: "PGRST205", details: null, hint: null, message: "Could not find the table 'public.todos' in the schema cache" });
      await p.pgQuery(`notify pgrst, 'reload schema'`);
      let after: Answer = before;
      for (let i = 0; i < 50 && after.status === 404; i++) {
        await new Promise((r) => setTimeout(r, 200));
        after = await rest("/todos");
      }
      expect(after.status).toBe(200);
      expect(after.json).toEqual([]);
      const typo = await rest("/todo");
      expect(typo.json).toEqual({
        code: "PGRST205",
        details: null,
        hint: "Perhaps you meant the table 'public.todos'",
        message: "Could not find the table 'public.todo' in the schema cache",
      });
    });

    it("user A (HS256 token) inserts rows and reads them back; user B (ES256 token) and anon see none", async () => {
      const a = client(tokenA);
      const ins = await a
        .from("todos")
        .insert([
          { title: "alpha", rank: 1 },
          { title: "beta", rank: 2 },
          { title: "Gamma", rank: 3 },
          { title: "delta", rank: null },
        ])
        .select();
      expect(ins.error).toBeNull();
      expect(ins.status).toBe(201);
      expect(ins.data?.map((r: { user_id: string }) => r.user_id)).toEqual([userA, userA, userA, userA]);
      const mine = await a.from("todos").select("title").order("id");
      expect(mine.data).toEqual([{ title: "alpha" }, { title: "beta" }, { title: "Gamma" }, { title: "delta" }]);
      const b = await client(tokenB).from("todos").select("*");
      expect(b.error).toBeNull();
      expect(b.data).toEqual([]);
      const anon = await client(null).from("todos").select("*");
      expect(anon.error).toBeNull();
      expect(anon.data).toEqual([]);
    });

    it("filters, order, limit/offset, Range, count=exact and single() work as PostgREST's", async () => {
      const a = client(tokenA);
      const titles = (r: { data: Array<{ title: string }> | null }) => r.data?.map((x) => x.title);
      expect(titles(await a.from("todos").select("title").eq("title", "beta"))).toEqual(["beta"]);
      expect(titles(await a.from("todos").select("title").neq("title", "beta").order("id"))).toEqual(["alpha", "Gamma", "delta"]);
      expect(titles(await a.from("todos").select("title").gt("rank", 1).order("rank"))).toEqual(["beta", "Gamma"]);
      expect(titles(await a.from("todos").select("title").gte("rank", 2).lte("rank", 2))).toEqual(["beta"]);
      expect(titles(await a.from("todos").select("title").lt("rank", 2))).toEqual(["alpha"]);
      expect(titles(await a.from("todos").select("title").like("title", "%amm%"))).toEqual(["Gamma"]);
      expect(titles(await a.from("todos").select("title").ilike("title", "g%"))).toEqual(["Gamma"]);
      expect(titles(await a.from("todos").select("title").is("rank", null))).toEqual(["delta"]);
      expect(titles(await a.from("todos").select("title").in("title", ["alpha", "delta", "nope"]).order("id"))).toEqual(["alpha", "delta"]);
      expect(titles(await a.from("todos").select("title").not("rank", "is", null).order("rank", { ascending: false }))).toEqual(["Gamma", "beta", "alpha"]);
      expect(titles(await a.from("todos").select("title").or("rank.eq.1,title.eq.delta").order("id"))).toEqual(["alpha", "delta"]);
      expect(titles(await a.from("todos").select("title").order("rank", { ascending: true, nullsFirst: true }).limit(2))).toEqual(["delta", "alpha"]);
      const page = await a.from("todos").select("title", { count: "exact" }).order("id").range(1, 2);
      expect(titles(page)).toEqual(["beta", "Gamma"]);
      expect(page.count).toBe(4);
      expect(page.status).toBe(206);
      const aliased = await a.from("todos").select("name:title,rank::text").eq("rank", 3);
      expect(aliased.data).toEqual([{ name: "Gamma", rank: "3" }]);
      const one = await a.from("todos").select("title").eq("rank", 1).single();
      expect(one.data).toEqual({ title: "alpha" });
      const many = await a.from("todos").select("title").single();
      expect(many.status).toBe(406);
      expect(many.error).toMatchObject({
        code: "PGRST116",
        message: "Cannot coerce the result to a single JSON object",
        details: "The result contains 4 rows",
      });

      const ranged = await rest("/todos?select=title&order=id", { token: tokenA, headers: { range: "0-1", prefer: "count=exact" } });
      expect(ranged.status).toBe(206);
      expect(ranged.headers.get("content-range")).toBe("0-1/4");
      expect(ranged.json).toEqual([{ title: "alpha" }, { title: "beta" }]);
      const all = await rest("/todos?select=title", { token: tokenA });
      expect(all.headers.get("content-range")).toBe("0-3/*");
      expect(all.headers.get("content-type")).toBe("application/json; charset=utf-8");
    });

    it("updates and deletes touch only the caller's rows (RLS in PostgreSQL)", async () => {
      const a = client(tokenA);
      const b = client(tokenB);
      const bUpd = await b.from("todos").update({ done: true }).eq("title", "alpha").select();
      expect(bUpd.error).toBeNull();
      expect(bUpd.data).toEqual([]);
      const bDel = await b.from("todos").delete().eq("title", "beta").select();
      expect(bDel.data).toEqual([]);
      expect((await a.from("todos").select("title,done").eq("title", "alpha")).data).toEqual([{ title: "alpha", done: false }]);
      const aUpd = await a.from("todos").update({ done: true }).eq("title", "alpha").select("title,done");
      expect(aUpd.data).toEqual([{ title: "alpha", done: true }]);
      const aDel = await a.from("todos").delete().eq("title", "delta");
      expect(aDel.error).toBeNull();
      expect(aDel.status).toBe(204);
      expect(titlesOf((await a.from("todos").select("title").order("id")).data)).toEqual(["alpha", "beta", "Gamma"]);
      // B inserts its own row; A still sees only its three.
      expect((await b.from("todos").insert({ title: "b's" })).status).toBe(201);
      expect((await a.from("todos").select("title")).data).toHaveLength(3);
      expect((await b.from("todos").select("title")).data).toEqual([{ title: "b's" }]);
    });
  });

  function titlesOf(rows: Array<{ title: string }> | null): string[] | undefined {
    return rows?.map((r) => r.title);
  }

  describe("REST stand-in: PostgREST's errors", () => {
    beforeAll(setup);
    const err = (code: string, message: string, details: string | null = null, hint: string | null = null) => ({ code, details, hint, message });

    it("RLS and privileges: 403 for a signed-in role, 401 with a Bearer challenge for anon (42501)", async () => {
      const other = await rest("/todos", { method: "POST", token: tokenB, body: { title: "forged", user_id: userA } });
      expect(other.status).toBe(403);
      expect(other.json).toEqual(err("42501", 'new row violates row-level security policy for table "todos"'));
      expect(marks(other)).toEqual(MARKED);
      const anon = await rest("/todos", { method: "POST", token: null, body: { title: "anon" } });
      expect(anon.status).toBe(401);
      expect(anon.json).toEqual(err("42501", "permission denied for table todos"));
      expect(anon.headers.get("www-authenticate")).toBe("Bearer");
    });

    it("unique violation 409 (23505), unknown column PGRST204, bad filter PGRST100, singular on no rows PGRST116", async () => {
      expect((await rest("/tags", { method: "POST", token: tokenA, body: { name: "x" } })).status).toBe(201);
      const dup = await rest("/tags", { method: "POST", token: tokenA, body: { name: "x" } });
      expect(dup.status).toBe(409);
      expect(dup.json).toEqual(err("23505", 'duplicate key value violates unique constraint "tags_pkey"', "Key (name)=(x) already exists."));
      const col = await rest("/todos", { method: "POST", token: tokenA, body: { nope: 1 } });
      expect(col.status).toBe(400);
      expect(col.json).toEqual(err("PGRST204", "Could not find the 'nope' column of 'todos' in the schema cache"));
      // The example in PostgREST v14.17 src/PostgREST/ApiRequest/QueryParams.hs (pRequestFilter).
      const bad = await rest("/todos?id=val", { token: tokenA });
      expect(bad.status).toBe(400);
      expect(bad.json).toEqual(
        err("PGRST100", '"failed to parse filter (val)" (line 1, column 1)', 'unexpected "v" expecting "not" or operator (eq, gt, ...)'),
      );
      const none = await rest("/todos?title=eq.nothing", { token: tokenA, headers: { accept: "application/vnd.pgrst.object+json" } });
      expect(none.status).toBe(406);
      expect(none.json).toEqual(err("PGRST116", "Cannot coerce the result to a single JSON object", "The result contains 0 rows"));
      const media = await rest("/todos", { token: tokenA, headers: { accept: "application/xml" } });
      expect(media.status).toBe(406);
      expect(media.json).toEqual(err("PGRST107", "None of these media types are available: application/xml"));
    });

    it("JWT errors as PostgREST's test_jwt_errors (PGRST301/303, 22023) with the invalid_token challenge", async () => {
      const now = Math.floor(Date.now() / 1000);
      const wrongKey = await rest("/todos", { token: await p.signHs256(p.claimsFor(userA, now), "x".repeat(40)) });
      expect(wrongKey.status).toBe(401);
      expect(wrongKey.json).toEqual(err("PGRST301", "No suitable key or wrong key type", "None of the keys was able to decode the JWT"));
      expect(wrongKey.headers.get("www-authenticate")).toBe('Bearer error="invalid_token", error_description="No suitable key or wrong key type"');
      expect(marks(wrongKey)).toEqual(MARKED);
      const expired = await rest("/todos", { token: await p.signEs256(p.claimsFor(userB, now - 7200, { exp: now - 35 })) });
      expect(expired.status).toBe(401);
      expect(expired.json).toEqual(err("PGRST303", "JWT expired"));
      const parts = await rest("/todos", { token: "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.bm90IGFuIG9iamVjdA" });
      expect(parts.json).toEqual(err("PGRST301", "Expected 3 parts in JWT; got 2"));
      const garbage = await rest("/todos", { token: "quifquirndsjagnrgniur.fonvoienqhhdj.iuqvnvhojah" });
      expect(garbage.json).toEqual(err("PGRST301", "JWT cryptographic operation failed"));
      const role = await rest("/todos", { token: await p.signHs256(p.claimsFor(userA, now, { role: "not_existing" })) });
      expect(role.status).toBe(401);
      expect(role.json).toEqual(err("22023", 'role "not_existing" does not exist'));
    });

    it("sets PostgREST's transaction settings: role, request.jwt.claims, method, path, headers, app.settings", async () => {
      const res = await rest("/request_log", { method: "POST", token: tokenA, headers: { "x-probe": "probe-1", prefer: "return=representation" }, body: {} });
      expect(res.status).toBe(201);
      expect(res.headers.get("preference-applied")).toBe("return=representation");
      expect(res.json).toEqual([{ id: 1, method: "POST", path: "/request_log", probe: "probe-1", sub: userA, db_role: "authenticated", jwt_exp: "3600" }]);
      const minimal = await rest("/request_log", { method: "POST", token: tokenA, body: {} });
      expect(minimal.status).toBe(201);
      expect(minimal.text).toBe("");
      expect(marks(minimal)).toEqual(MARKED);
    });
  });
}
