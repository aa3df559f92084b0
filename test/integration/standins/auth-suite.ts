// The GoTrue double (test/standins/auth) behind a real project: a project of
// a template version on the stand-ins (test/support/standin-project.ts; the
// newest template's is shared with the other suites of
// newest-template.test.ts, the previous one's is auth-2026-02.test.ts's own),
// reached through a real nginx by subdomain, its Auth settings saved with an
// SMTP catcher as the mail server; then what an app does with
// @supabase/supabase-js: sign up, read the mail, follow the link, sign in, get
// the user, refresh, and the errors GoTrue gives. Saving the settings
// recreates the project's auth container and turns e-mail confirmation on:
// on a shared project this suite runs last.
import { createHmac, createPublicKey, randomBytes, timingSafeEqual, verify, type JsonWebKey } from "node:crypto";
import { createClient, type SupabaseClient } from "@supabase/supabase-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LABELS } from "@/lib/stack/types";
import type { StandinProject } from "@/test/support/standin-project";
import { startSmtpCatcher, type SmtpCatcher } from "@/test/support/smtp-catcher";

/** The suite for one template version, on `project` (of that version). */
export function authDoubleSuite(version: string, project: () => StandinProject): void {
  const SITE = "http://localhost:3000";
  const SMTP = { user: "mailer", pass: `pw-${randomBytes(6).toString("hex")}` };
  let smtp: SmtpCatcher;
  let ref: string;
  let publicUrl: string;
  let anonKey: string;
  let serviceKey: string;
  let jwks: { keys: JsonWebKey[] } | null;
  let jwtSecret: string;
  // GOTRUE_JWT_ISSUER as the template sets it (2026.02-r1 sets none: no iss claim, RegisteredClaims omitempty).
  let issuer: string | undefined;
  const projectFetch: typeof fetch = (input, init) => project().fetch(input, init);
  // Realtime is not used here, but supabase-js on Node 20 wants a WebSocket class when it is made.
  class NoRealtime {
    constructor() {
      throw new Error("this test does not use Realtime");
    }
  }
  type Transport = NonNullable<NonNullable<Parameters<typeof createClient>[2]>["realtime"]>["transport"];
  const client = (): SupabaseClient =>
    createClient(publicUrl, anonKey, {
      global: { fetch: projectFetch },
      auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
      realtime: { transport: NoRealtime as unknown as Transport },
    });

  function claimsOf(jwt: string): { header: Record<string, unknown>; payload: Record<string, unknown>; valid: boolean } {
    const [h, p, s] = jwt.split(".");
    const header = JSON.parse(Buffer.from(h!, "base64url").toString()) as Record<string, unknown>;
    const data = Buffer.from(`${h}.${p}`);
    const sig = Buffer.from(s!, "base64url");
    let valid = false;
    if (header.alg === "HS256") {
      const mac = createHmac("sha256", jwtSecret).update(data).digest();
      valid = mac.length === sig.length && timingSafeEqual(mac, sig);
    } else {
      const key = jwks?.keys.find((k) => (k as { kid?: string }).kid === header.kid);
      valid = key ? verify("SHA256", data, { key: createPublicKey({ key, format: "jwk" }), dsaEncoding: "ieee-p1363" }, sig) : false;
    }
    return { header, payload: JSON.parse(Buffer.from(p!, "base64url").toString()) as Record<string, unknown>, valid };
  }

  describe(`the Auth double on a ${version} project, through nginx by subdomain`, () => {
    const email = `user-${randomBytes(4).toString("hex")}@example.com`;
    const password = "correct horse battery";
    let link: string;

    beforeAll(async () => {
      const p = project();
      const { docker, owner } = p;
      const service = p.inst.service;
      ({ ref, anonKey, serviceRoleKey: serviceKey } = p);
      publicUrl = p.url;
      smtp = await startSmtpCatcher(SMTP);
      // The catcher on the host, as the auth container reaches it: its network's gateway.
      const [auth] = await docker.listContainers({ all: true, filters: { label: [`${LABELS.ref}=${ref}`, `${LABELS.service}=auth`] } });
      const nets = Object.values((await docker.getContainer(auth!.Id).inspect()).NetworkSettings.Networks);
      const gateway = nets.map((n) => n.Gateway).find(Boolean);
      expect(gateway, "the auth container's network gateway").toBeTruthy();
      await service.saveAuthSettings(owner, ref, {
        siteUrl: SITE,
        redirectUrls: [`${SITE}/**`],
        confirmEmail: true,
        smtp: { host: gateway, port: smtp.port, user: SMTP.user, password: SMTP.pass, senderEmail: "noreply@example.com", senderName: "Auth Double" },
      });
      await service.waitForIdle(ref);
      const saved = await service.getProject(owner, ref);
      expect(saved.status, saved.statusReason ?? "").toBe("ACTIVE_HEALTHY");
      const [rest] = await docker.listContainers({ filters: { label: [`${LABELS.ref}=${ref}`, `${LABELS.service}=rest`] } });
      const env = (await docker.getContainer(rest!.Id).inspect()).Config.Env ?? [];
      // PostgREST's key: the project's JWKS where the version has asymmetric keys, else the JWT secret.
      const pgrst = env.find((e) => e.startsWith("PGRST_JWT_SECRET="))!.slice("PGRST_JWT_SECRET=".length);
      jwks = pgrst.startsWith("{") ? (JSON.parse(pgrst) as { keys: JsonWebKey[] }) : null;
      jwtSecret = pgrst;
      const [authC] = await docker.listContainers({ filters: { label: [`${LABELS.ref}=${ref}`, `${LABELS.service}=auth`] } });
      const authEnv = (await docker.getContainer(authC!.Id).inspect()).Config.Env ?? [];
      if (jwks) jwtSecret = authEnv.find((e) => e.startsWith("GOTRUE_JWT_SECRET="))!.slice("GOTRUE_JWT_SECRET=".length);
      issuer = authEnv.find((e) => e.startsWith("GOTRUE_JWT_ISSUER="))?.slice("GOTRUE_JWT_ISSUER=".length);
    }, 600_000);

    afterAll(async () => {
      await smtp?.close();
    });

    it("answers as a double, with the project's settings", async () => {
      const res = await projectFetch(`${publicUrl}/auth/v1/settings`, { headers: { apikey: anonKey } });
      expect(res.status).toBe(200);
      expect(res.headers.get("x-supafleet-standin")).toBe("auth");
      expect(res.headers.get("x-supafleet-standin-mode")).toBe("double");
      expect(await res.json()).toMatchObject({ disable_signup: false, mailer_autoconfirm: false, external: { email: true } });
    });

    it("signs up: no session until confirmed, and one mail with the link the pinned GoTrue builds (url.ResolveReference)", async () => {
      const { data, error } = await client().auth.signUp({ email, password, options: { emailRedirectTo: `${SITE}/welcome` } });
      expect(error).toBeNull();
      expect(data.session).toBeNull();
      expect(data.user).toMatchObject({ email, aud: "authenticated", role: "authenticated" });
      expect(data.user?.email_confirmed_at).toBeUndefined();
      const caught = await smtp.next(email);
      expect(caught.user).toBe(SMTP.user);
      expect(caught.mail.subject).toBe("Confirm your email address");
      expect(caught.mail.from?.value[0]).toMatchObject({ name: "Auth Double", address: "noreply@example.com" });
      const href = /href="([^"]+)"/.exec(String(caught.mail.html))?.[1] ?? "";
      link = href.replace(/&amp;/g, "&").replace(/&#43;/g, "+");
      expect(link).toMatch(new RegExp(`^${publicUrl.replace(/[.]/g, "\\.")}/auth/v1/verify\\?token=[0-9a-f]{56}&type=signup&redirect_to=${SITE}/welcome$`));
    });

    it("refuses the password grant until the address is confirmed", async () => {
      const { error } = await client().auth.signInWithPassword({ email, password });
      expect(error).toMatchObject({ status: 400, code: "email_not_confirmed" });
    });

    it("following the link confirms and redirects to the allowed redirect with a session signed as GoTrue signs it", async () => {
      const res = await projectFetch(link, { redirect: "manual" });
      expect(res.status).toBe(303);
      expect(res.headers.get("x-supafleet-standin-mode")).toBe("double");
      const location = res.headers.get("location") ?? "";
      expect(location.startsWith(`${SITE}/welcome#`)).toBe(true);
      const frag = new URLSearchParams(location.split("#")[1]);
      expect(frag.get("type")).toBe("signup");
      expect(frag.get("token_type")).toBe("bearer");
      expect(frag.get("refresh_token")).toMatch(/^[a-z2-7]{12}$/);
      const { header, payload, valid } = claimsOf(frag.get("access_token")!);
      // With GOTRUE_JWT_KEYS (2026.09-r1): ES256 with the signing key's kid; without: HS256 with the secret, no kid.
      if (jwks) expect(header).toEqual({ alg: "ES256", kid: (jwks.keys[0] as { kid: string }).kid, typ: "JWT" });
      else expect(header).toEqual({ alg: "HS256", typ: "JWT" });
      expect(valid).toBe(true);
      expect(payload).toMatchObject({ aud: "authenticated", role: "authenticated", email, aal: "aal1", is_anonymous: false });
      if (version === "2026.09-r1") expect(issuer).toBe(`${publicUrl}/auth/v1`);
      expect(payload.iss).toBe(issuer);
      expect((payload.amr as Array<{ method: string }>)[0]!.method).toBe("otp");
      // The link is single-use: GoTrue sends the error back to the redirect, in the fragment.
      const again = await projectFetch(link, { redirect: "manual" });
      expect(again.status).toBe(303);
      const err = new URLSearchParams((again.headers.get("location") ?? "").split("#")[1]);
      expect(err.get("error_code")).toBe("otp_expired");
      expect(err.get("error")).toBe("access_denied");
    });

    it("a redirect outside the allow list falls back to the site URL", async () => {
      const other = `other-${randomBytes(4).toString("hex")}@example.com`;
      const { error } = await client().auth.signUp({ email: other, password, options: { emailRedirectTo: "https://evil.example/steal" } });
      expect(error).toBeNull();
      const href = /href="([^"]+)"/.exec(String((await smtp.next(other)).mail.html))?.[1] ?? "";
      expect(href.replace(/&amp;/g, "&")).toMatch(new RegExp(`&redirect_to=${SITE}$`));
    });

    it("signs in with the password, reads the user, refreshes, and detects a reused refresh token", async () => {
      const wrong = await client().auth.signInWithPassword({ email, password: "not the password" });
      expect(wrong.error).toMatchObject({ status: 400, code: "invalid_credentials" });
      const sb = client();
      const { data, error } = await sb.auth.signInWithPassword({ email, password });
      expect(error).toBeNull();
      const { payload, valid } = claimsOf(data.session!.access_token);
      expect(valid).toBe(true);
      expect((payload.amr as Array<{ method: string }>)[0]!.method).toBe("password");
      const got = await sb.auth.getUser();
      expect(got.error).toBeNull();
      expect(got.data.user).toMatchObject({ email, identities: [expect.objectContaining({ provider: "email" })] });
      expect(got.data.user?.email_confirmed_at).toBeTruthy();
      const first = data.session!.refresh_token;
      const r1 = await sb.auth.refreshSession();
      expect(r1.error).toBeNull();
      expect(r1.data.session!.refresh_token).not.toBe(first);
      expect(claimsOf(r1.data.session!.access_token).payload.session_id).toBe(payload.session_id);
      const r2 = await sb.auth.refreshSession();
      expect(r2.error).toBeNull();
      const reused = await client().auth.refreshSession({ refresh_token: first });
      expect(reused.error).toMatchObject({ status: 400, code: "refresh_token_already_used" });
    });

    it("gives GoTrue's answers to a repeated sign-up and a weak password", async () => {
      // signup.go: with GOTRUE_MAILER_AUTOCONFIRM or GOTRUE_SMS_AUTOCONFIRM on, a
      // confirmed address gets 422 user_already_exists; with both off, an
      // obfuscated user (no identities), so an address cannot be probed.
      const settings = (await (await projectFetch(`${publicUrl}/auth/v1/settings`, { headers: { apikey: anonKey } })).json()) as {
        mailer_autoconfirm: boolean;
        phone_autoconfirm: boolean;
      };
      const repeat = await client().auth.signUp({ email, password });
      if (settings.mailer_autoconfirm || settings.phone_autoconfirm) {
        expect(repeat.error).toMatchObject({ status: 422, code: "user_already_exists" });
      } else {
        expect(repeat.error).toBeNull();
        expect(repeat.data.user?.identities).toEqual([]);
      }
      const weak = await client().auth.signUp({ email: `weak-${randomBytes(3).toString("hex")}@example.com`, password: "12345" });
      expect(weak.error).toMatchObject({ status: 422, code: "weak_password" });
    });

    it("stores the user in the project's Postgres with a bcrypt hash", async () => {
      const res = await projectFetch(`${publicUrl}/pg/query`, {
        method: "POST",
        headers: { apikey: serviceKey, authorization: `Bearer ${serviceKey}`, "content-type": "application/json" },
        body: JSON.stringify({ query: `select encrypted_password, email_confirmed_at is not null as confirmed from auth.users where email = '${email}'` }),
      });
      expect(res.status).toBe(200);
      const rows = (await res.json()) as Array<{ encrypted_password: string; confirmed: boolean }>;
      expect(rows).toHaveLength(1);
      expect(rows[0]!.encrypted_password).toMatch(/^\$2a\$10\$/);
      expect(rows[0]!.confirmed).toBe(true);
    });
  });
}
