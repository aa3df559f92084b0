// The Functions stand-in runs the project's functions in real Deno behind the
// template's router (volumes/functions/main/index.ts, upstream's
// isValidHybridJWT), reached as a client reaches it: through a real nginx by
// subdomain and the project's gateway, newest template, JWT verification on.
// The project is the one of newest-template.test.ts (test/support/standin-project.ts);
// the functions this suite writes (secret, broken) are its own names.
//
// Function secrets: Supafleet has no secrets mechanism yet, so the function
// reads a secret the container's environment already holds
// (SUPABASE_SERVICE_ROLE_KEY), which upstream's router hands every user worker
// as its envVars; the function is copied into the project's functions volume
// with putArchive, as a deploy would write it there.
import { randomBytes, randomUUID } from "node:crypto";
import { importJWK, SignJWT } from "jose";
import { pack } from "tar-stream";
import { beforeAll, describe, expect, it } from "vitest";
import { LABELS } from "@/lib/stack/types";
import { viaNginx } from "@/test/support/nginx-host";
import type { StandinProject } from "@/test/support/standin-project";
import type Docker from "dockerode";

export function functionsStandinSuite(project: () => StandinProject): void {
  let docker: Docker;
  let nginxPort: number;
  let ref: string;
  let host: string;
  let anonKey: string;
  let serviceRoleKey: string;

  const SECRET_FUNCTION = `Deno.serve(async (req) => {
  const claims = JSON.parse(atob((req.headers.get("authorization") ?? "..").split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
  return Response.json({ secret: Deno.env.get("SUPABASE_SERVICE_ROLE_KEY") ?? null, sub: claims.sub ?? null, role: claims.role ?? null, execution: Deno.env.has("SB_EXECUTION_ID") });
});
`;

  async function containerOf(serviceName: string): Promise<Docker.Container> {
    const [info] = await docker.listContainers({ all: true, filters: { label: [`${LABELS.ref}=${ref}`, `${LABELS.service}=${serviceName}`] } });
    if (!info) throw new Error(`no ${serviceName} container for ${ref}`);
    return docker.getContainer(info.Id);
  }

  /** Writes a function into the project's functions volume, where a deploy puts it. */
  async function putFunction(name: string, code: string): Promise<void> {
    const tar = pack();
    tar.entry({ name: `${name}/index.ts`, mode: 0o644 }, code);
    tar.finalize();
    const chunks: Buffer[] = [];
    for await (const chunk of tar) chunks.push(chunk as Buffer);
    await (await containerOf("functions")).putArchive(Buffer.concat(chunks), { path: "/home/deno/functions" });
  }

  /** An access token as GoTrue issues one: ES256 with the project's signing key (GOTRUE_JWT_KEYS) and its kid. */
  async function userToken(userId: string): Promise<string> {
    const env = (await (await containerOf("auth")).inspect()).Config.Env ?? [];
    const raw = env.find((e) => e.startsWith("GOTRUE_JWT_KEYS="))?.slice("GOTRUE_JWT_KEYS=".length);
    if (!raw) throw new Error("the auth container has no GOTRUE_JWT_KEYS");
    const jwk = (JSON.parse(raw) as Array<{ kty: string; kid?: string; d?: string; crv?: string; x?: string; y?: string }>).find((k) => k.kty === "EC" && k.d);
    if (!jwk?.kid) throw new Error("GOTRUE_JWT_KEYS has no private EC key with a kid");
    // The JWK's key_ops ["sign", "verify"] is GoTrue's; WebCrypto imports a private key for "sign" only.
    const key = await importJWK({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, d: jwk.d }, "ES256");
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ role: "authenticated", aal: "aal1", session_id: randomUUID(), is_anonymous: false, email: "fn@example.com" })
      .setProtectedHeader({ alg: "ES256", kid: jwk.kid, typ: "JWT" })
      .setSubject(userId)
      .setAudience("authenticated")
      .setIssuer(`http://${host}/auth/v1`)
      .setIssuedAt(now)
      .setExpirationTime(now + 3600)
      .sign(key);
  }

  const call = (path: string, token?: string) =>
    viaNginx(nginxPort, host, `/functions/v1/${path}`, token === undefined ? {} : { authorization: `Bearer ${token}` });

  function expectDouble(headers: Headers): void {
    expect(headers.get("x-supafleet-standin")).toBe("functions");
    expect(headers.get("x-supafleet-standin-mode")).toBe("double");
  }

  describe("Functions stand-in: the project's functions in real Deno behind the template's router", () => {
    beforeAll(async () => {
      ({ docker, nginxPort, ref, host, anonKey, serviceRoleKey } = project());
      await putFunction("secret", SECRET_FUNCTION);
    });

    it("runs a function for a user's ES256 token signed with the project's key, with the container's secret in its env", async () => {
      const userId = randomUUID();
      const r = await call("secret", await userToken(userId));
      expect(r.status, r.body).toBe(200);
      expectDouble(r.headers);
      expect(JSON.parse(r.body)).toEqual({ secret: serviceRoleKey, sub: userId, role: "authenticated", execution: true });
    });

    it("runs it for the legacy HS256 anon key", async () => {
      const r = await call("secret", anonKey);
      expect(r.status, r.body).toBe(200);
      expect(JSON.parse(r.body)).toMatchObject({ secret: serviceRoleKey, role: "anon" });
    });

    it("answers 401 from the router without a token", async () => {
      const r = await call("secret");
      expect(r.status).toBe(401);
      expectDouble(r.headers);
      expect(r.headers.get("sb-error-code")).toBe("UNAUTHORIZED_NO_AUTH_HEADER");
      expect(JSON.parse(r.body)).toEqual({ code: "UNAUTHORIZED_NO_AUTH_HEADER", message: "Missing authorization header", msg: "Missing authorization header" });
    });

    it("answers 401 for an ES256 token with a bad signature, and for an HS256 one signed with another secret", async () => {
      const [head, body, sig] = (await userToken(randomUUID())).split(".");
      const flipped = `${head}.${body}.${sig!.slice(0, 10)}${sig![10] === "A" ? "B" : "A"}${sig!.slice(11)}`;
      const bad = await call("secret", flipped);
      expect(bad.status, bad.body).toBe(401);
      expect(bad.headers.get("sb-error-code")).toBe("UNAUTHORIZED_ASYMMETRIC_JWT");
      expect(JSON.parse(bad.body)).toMatchObject({ msg: "Invalid JWT" });
      const otherSecret = await new SignJWT({ role: "anon" }).setProtectedHeader({ alg: "HS256", typ: "JWT" }).setExpirationTime("1h").sign(randomBytes(32));
      const forged = await call("secret", otherSecret);
      expect(forged.status, forged.body).toBe(401);
      expect(forged.headers.get("sb-error-code")).toBe("UNAUTHORIZED_LEGACY_JWT");
    });

    it("answers the template's hello function for the anon key", async () => {
      const r = await call("hello", anonKey);
      expect(r.status, r.body).toBe(200);
      expectDouble(r.headers);
      expect(JSON.parse(r.body)).toBe("Hello from Edge Functions!");
    });

    it("answers a missing function and a function that fails to load with the router's 500 and edge-runtime's boot error", async () => {
      const missing = await call("no-such-function", anonKey);
      expect(missing.status).toBe(500);
      expectDouble(missing.headers);
      expect(JSON.parse(missing.body).msg).toMatch(
        /^InvalidWorkerCreation: worker boot error: failed to bootstrap runtime: failed to create the graph: Module not found/,
      );
      await putFunction("broken", 'throw new Error("broken at load");\n');
      const broken = await call("broken", anonKey);
      expect(broken.status).toBe(500);
      expect(JSON.parse(broken.body).msg).toBe("InvalidWorkerCreation: worker boot error: Uncaught Error: broken at load");
    });
  });
}
