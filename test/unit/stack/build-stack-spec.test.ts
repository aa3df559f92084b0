import { describe, expect, it } from "vitest";
import { createPublicKey, verify } from "node:crypto";
import { buildStackSpec, LATEST_STACK_VERSION, renderTemplateFile, type StackInput } from "@/lib/stack/build-stack-spec";
import { generateProjectSecrets, signProjectKey, verifyProjectKey, InvalidProjectKeyError } from "@/lib/stack/secrets";
import { substitute, TEMPLATE_VERSIONS, templateServices, TemplateError } from "@/lib/stack/template";
import { dependencyOrder } from "@/lib/stack/run-graph";
import { LABELS } from "@/lib/stack/types";
import { parse } from "yaml";
import { checkStackAgainstContracts } from "@/lib/stack/check-contracts";

const OLD = "2026.02-r1";

async function input(
  ref: string,
  ports = { kongHttp: 54001, postgres: 54002, pooler: 54003 },
  overrides: Record<string, string> = {},
  stackVersion = OLD,
  analytics = true,
): Promise<StackInput> {
  return {
    ref,
    installationId: "0123456789abcdef",
    sealedMetadata: "v1.sealed",
    stackVersion,
    analytics,
    secrets: await generateProjectSecrets(),
    ports,
    publicUrl: `https://${ref}.cloud.test`,
    imageOverrides: overrides,
  };
}

describe("template versions", () => {
  it("are the previous one (2026.02-r1) and the newest (2026.09-r1), which new projects get", () => {
    expect([...TEMPLATE_VERSIONS]).toEqual(["2026.02-r1", "2026.09-r1"]);
    expect(LATEST_STACK_VERSION).toBe("2026.09-r1");
  });

  it("build each project from its own version: the old one keeps Kong 2.8.1 and Postgres 15, the new one runs Envoy and Postgres 17", async () => {
    const old = buildStackSpec(await input("aaaaaaaaaaaaaaaaaaaa", undefined, {}, OLD));
    const next = buildStackSpec(await input("aaaaaaaaaaaaaaaaaaaa", undefined, {}, LATEST_STACK_VERSION));
    const image = (spec: typeof old, svc: string) => spec.services.find((s) => s.service === svc)?.image;
    expect(old.stackVersion).toBe(OLD);
    expect(image(old, "kong")).toBe("kong:2.8.1");
    expect(image(old, "db")).toBe("supabase/postgres:15.8.1.085");
    expect(image(old, "api-gw")).toBeUndefined();
    expect(next.stackVersion).toBe("2026.09-r1");
    expect(image(next, "api-gw")).toBe("envoyproxy/envoy:v1.39.1");
    expect(image(next, "db")).toBe("supabase/postgres:17.6.1.136");
    expect(image(next, "kong")).toBeUndefined();
    for (const spec of [old, next]) for (const s of spec.services) expect(s.labels[LABELS.stackVersion]).toBe(spec.stackVersion);
  });

  it("refuse a version this Supafleet does not have (the value comes from the database)", async () => {
    await expect(async () => buildStackSpec(await input("aaaaaaaaaaaaaaaaaaaa", undefined, {}, "../2026.02-r1"))).rejects.toThrow(/no template version/);
    await expect(async () => buildStackSpec(await input("aaaaaaaaaaaaaaaaaaaa", undefined, {}, "2099.01-r1"))).rejects.toThrow(TemplateError);
  });

  it("take per-version image overrides before per-service ones", async () => {
    const overrides = { db: "local/pg:15", "db@2026.09-r1": "local/pg:17" };
    expect(buildStackSpec(await input("aaaaaaaaaaaaaaaaaaaa", undefined, overrides, OLD)).services.find((s) => s.service === "db")!.image).toBe("local/pg:15");
    expect(
      buildStackSpec(await input("aaaaaaaaaaaaaaaaaaaa", undefined, overrides, LATEST_STACK_VERSION)).services.find((s) => s.service === "db")!.image,
    ).toBe("local/pg:17");
  });
});

describe.each(TEMPLATE_VERSIONS)("analytics in %s", (version) => {
  it("is off: no analytics or vector container, nobody waits for them, and no host path (no Docker socket) anywhere", async () => {
    const spec = buildStackSpec(await input("aaaaaaaaaaaaaaaaaaaa", undefined, {}, version, false));
    const names = spec.services.map((s) => s.service);
    expect(names).not.toContain("analytics");
    expect(names).not.toContain("vector");
    expect(names.sort()).toEqual(templateServices(version, { analytics: false }).sort());
    for (const s of spec.services) for (const d of s.dependsOn) expect(names, `${s.service} waits for ${d.service}`).toContain(d.service);
    expect(() => dependencyOrder(spec.services)).not.toThrow();
    expect(JSON.stringify(spec)).not.toContain("docker.sock");
  });

  it("is on: analytics and vector run, still without the Docker socket or any host path", async () => {
    const spec = buildStackSpec(await input("aaaaaaaaaaaaaaaaaaaa", undefined, {}, version, true));
    expect(spec.services.map((s) => s.service)).toEqual(expect.arrayContaining(["analytics", "vector"]));
    for (const s of spec.services) for (const m of s.mounts) expect(m.type, `${s.service} ${m.target}`).toBe("volume");
    expect(JSON.stringify(spec)).not.toContain("docker.sock");
  });
});

describe("buildStackSpec", () => {
  it("has all 13 services of the old version, pinned images, and a valid dependency order", async () => {
    const spec = buildStackSpec(await input("aaaaaaaaaaaaaaaaaaaa"));
    expect(spec.services.map((s) => s.service).sort()).toEqual(templateServices(OLD, { analytics: true }).sort());
    expect(spec.services).toHaveLength(13);
    for (const s of spec.services) {
      expect(s.image, s.service).toMatch(/^[a-z0-9./-]+:[A-Za-z0-9._-]+$/);
      expect(s.image, s.service).not.toMatch(/:latest$/);
    }
    const levels = dependencyOrder(spec.services);
    expect(levels[0]!.map((s) => s.service).sort()).toEqual(["imgproxy", "vector"]);
    expect(levels.flat()).toHaveLength(13);
    expect(spec.stackVersion).toBe(OLD);
  });

  it("the newest version has upstream's 11 services plus the optional two, pinned images, and a valid order", async () => {
    const spec = buildStackSpec(await input("aaaaaaaaaaaaaaaaaaaa", undefined, {}, LATEST_STACK_VERSION, false));
    expect(spec.services).toHaveLength(11);
    for (const s of spec.services) expect(s.image, s.service).not.toMatch(/:latest$/);
    expect(dependencyOrder(spec.services).flat()).toHaveLength(11);
  });

  it("never lets two projects collide in any Docker name", async () => {
    const a = buildStackSpec(await input("aaaaaaaaaaaaaaaaaaaa"));
    const b = buildStackSpec(await input("bbbbbbbbbbbbbbbbbbbb", { kongHttp: 54011, postgres: 54012, pooler: 54013 }));
    const names = (s: typeof a) => [s.network.name, ...s.volumes.map((v) => v.name), ...s.services.map((x) => x.containerName)];
    expect(names(a).filter((n) => names(b).includes(n))).toEqual([]);
    for (const n of names(a)) expect(n).toContain("aaaaaaaaaaaaaaaaaaaa");
    const realtime = a.services.find((s) => s.service === "realtime")!;
    expect(realtime.aliases).toContain("aaaaaaaaaaaaaaaaaaaa.supabase-realtime");
    expect(realtime.env.SELF_HOST_TENANT_NAME).toBe("aaaaaaaaaaaaaaaaaaaa");
    const vector = a.services.find((s) => s.service === "vector")!.files[0]!.content;
    expect(vector).toContain("supafleet-aaaaaaaaaaaaaaaaaaaa-kong");
    expect(vector).not.toContain("supabase-kong");
  });

  it("publishes only the gateway on loopback and the two Postgres ports", async () => {
    const spec = buildStackSpec(await input("aaaaaaaaaaaaaaaaaaaa"));
    const ports = spec.services.flatMap((s) => s.ports.map((p) => ({ service: s.service, ...p })));
    expect(ports).toEqual([
      { service: "kong", hostIp: "127.0.0.1", hostPort: 54001, containerPort: 8000 },
      { service: "supavisor", hostIp: "0.0.0.0", hostPort: 54002, containerPort: 5432 },
      { service: "supavisor", hostIp: "0.0.0.0", hostPort: 54003, containerPort: 6543 },
    ]);
  });

  it("refuses an installation id that is not one", async () => {
    await expect(async () => buildStackSpec({ ...(await input("aaaaaaaaaaaaaaaaaaaa")), installationId: "x,supafleet.managed=true" })).rejects.toBeInstanceOf(
      TemplateError,
    );
  });

  it("labels everything and keeps secrets out of labels and names", async () => {
    const inp = await input("aaaaaaaaaaaaaaaaaaaa");
    const spec = buildStackSpec(inp);
    const labelled = [spec.network.labels, ...spec.volumes.map((v) => v.labels), ...spec.services.map((s) => s.labels)];
    for (const l of labelled) {
      expect(l[LABELS.managed]).toBe("true");
      expect(l[LABELS.installation]).toBe("0123456789abcdef");
      expect(l[LABELS.ref]).toBe("aaaaaaaaaaaaaaaaaaaa");
    }
    // Every container says which host ports the project holds, even stopped.
    for (const s of spec.services) expect(s.labels[LABELS.hostPorts]).toBe("KONG_HTTP=54001,POSTGRES=54002,POOLER=54003");
    // The sealed metadata goes to its own volume, made like the others.
    expect(spec.metadata).toEqual({ volume: "supafleet-aaaaaaaaaaaaaaaaaaaa-metadata", sealed: "v1.sealed" });
    expect(spec.volumes.find((v) => v.name === spec.metadata.volume)?.labels[LABELS.volume]).toBe("metadata");
    const visible = JSON.stringify({ labelled, names: spec.services.map((s) => [s.containerName, s.aliases]) });
    for (const secret of Object.values(inp.secrets)) if (typeof secret === "string" && secret.length > 12) expect(visible).not.toContain(secret);
  });

  it("renders kong.yml (old version) with this project's keys, readable only by Kong's user, and upstream's 403 routes", async () => {
    const inp = await input("aaaaaaaaaaaaaaaaaaaa");
    const spec = buildStackSpec(inp);
    const file = spec.services.find((s) => s.service === "kong")!.files.find((f) => f.path === "/home/kong/kong.yml")!;
    // kong:2.8.1 runs as kong (uid 100, group nogroup 65533): see templates/supabase/2026.02-r1/images.ts.
    expect(file.mode).toBe(0o600);
    expect(file.uid).toBe(100);
    expect(file.gid).toBe(65533);
    const kong = parse(file.content) as { consumers: Array<{ username: string; keyauth_credentials?: Array<{ key: string }> }> };
    expect(kong.consumers.find((c) => c.username === "anon")!.keyauth_credentials![0]!.key).toBe(inp.secrets.anonKey);
    expect(kong.consumers.find((c) => c.username === "service_role")!.keyauth_credentials![0]!.key).toBe(inp.secrets.serviceRoleKey);
    expect(renderTemplateFile(inp, "volumes/api/kong.yml")).toBe(file.content);
    expect(file.content).not.toMatch(/\$\{/);
    const services = (
      parse(file.content) as { services: Array<{ routes: Array<{ paths: string[] }>; plugins?: Array<{ name: string; config?: { status_code?: number } }> }> }
    ).services;
    for (const path of ["/realtime/v1/api/tenants", "/realtime/v1/api/openapi"]) {
      const svc = services.find((x) => x.routes.some((r) => r.paths.includes(path)))!;
      expect(svc.plugins, path).toEqual([{ name: "request-termination", config: { status_code: 403, message: "Access is forbidden." } }]);
    }
  });

  it("renders Envoy's listener (newest version) with the project's keys, 0600 root as Envoy reads it, and upstream's 403 routes", async () => {
    const inp = await input("aaaaaaaaaaaaaaaaaaaa", undefined, {}, LATEST_STACK_VERSION, false);
    const spec = buildStackSpec(inp);
    const gw = spec.services.find((s) => s.service === "api-gw")!;
    const lds = gw.files.find((f) => f.path === "/etc/envoy/lds.yaml")!;
    expect({ mode: lds.mode, uid: lds.uid, gid: lds.gid }).toEqual({ mode: 0o600, uid: 0, gid: 0 });
    expect(lds.content).not.toMatch(/\$\{/);
    const keys = inp.secrets.apiKeys!;
    for (const v of [
      inp.secrets.anonKey,
      inp.secrets.serviceRoleKey,
      keys.publishableKey,
      keys.secretKey,
      keys.anonKeyAsymmetric,
      keys.serviceRoleKeyAsymmetric,
    ])
      expect(lds.content).toContain(v);
    type Route = {
      name?: string;
      match: { prefix?: string; path?: string };
      typed_per_filter_config?: Record<string, { rbac?: { rules: { action: string } } }>;
    };
    const listener = parse(lds.content) as {
      resources: Array<{ filter_chains: Array<{ filters: Array<{ typed_config: { route_config: { virtual_hosts: Array<{ routes: Route[] }> } } }> }> }>;
    };
    const routes = listener.resources[0]!.filter_chains[0]!.filters[0]!.typed_config.route_config.virtual_hosts[0]!.routes;
    for (const prefix of ["/realtime/v1/api/tenants", "/realtime/v1/api/openapi"]) {
      const i = routes.findIndex((r) => r.match.prefix === prefix);
      expect(routes[i]!.typed_per_filter_config!["envoy.filters.http.rbac"]!.rbac!.rules.action, prefix).toBe("DENY");
      // Envoy takes the first matching route: the block must come before the general /realtime/v1/api route.
      expect(i).toBeLessThan(routes.findIndex((r) => r.match.prefix === "/realtime/v1/api"));
    }
    expect(gw.files.find((f) => f.path === "/etc/envoy/cds.yaml")!.content).toContain("aaaaaaaaaaaaaaaaaaaa.supabase-realtime");
  });

  it("wires the new API keys as upstream: Auth signs with the EC key, verifiers get the public JWKS", async () => {
    const inp = await input("aaaaaaaaaaaaaaaaaaaa", undefined, {}, LATEST_STACK_VERSION, false);
    const spec = buildStackSpec(inp);
    const env = (svc: string) => spec.services.find((s) => s.service === svc)!.env;
    const keys = inp.secrets.apiKeys!;
    expect(keys.publishableKey).toMatch(/^sb_publishable_[A-Za-z0-9_-]{22}_[A-Za-z0-9_-]{8}$/);
    expect(keys.secretKey).toMatch(/^sb_secret_[A-Za-z0-9_-]{22}_[A-Za-z0-9_-]{8}$/);
    expect(env("auth").GOTRUE_JWT_KEYS).toBe(keys.jwtKeys);
    expect(JSON.parse(keys.jwtKeys)[0]).toMatchObject({ kty: "EC", crv: "P-256", alg: "ES256", d: expect.any(String) });
    for (const [svc, key] of [
      ["rest", "PGRST_JWT_SECRET"],
      ["realtime", "API_JWT_JWKS"],
      ["storage", "JWT_JWKS"],
      ["functions", "SUPABASE_JWKS"],
    ] as const) {
      expect(env(svc)[key], `${svc} ${key}`).toBe(keys.jwtJwks);
    }
    const jwks = JSON.parse(keys.jwtJwks) as { keys: Array<Record<string, unknown>> };
    expect(jwks.keys[0]).not.toHaveProperty("d");
    expect(jwks.keys[1]).toMatchObject({ kty: "oct", alg: "HS256", k: Buffer.from(inp.secrets.jwtSecret).toString("base64url") });
    // The internal ES256 anon JWT verifies with the published key.
    const [h, p, sig] = keys.anonKeyAsymmetric.split(".");
    const pub = createPublicKey({ key: jwks.keys[0] as unknown as import("node:crypto").JsonWebKey, format: "jwk" });
    expect(verify("SHA256", Buffer.from(`${h}.${p}`), { key: pub, dsaEncoding: "ieee-p1363" }, Buffer.from(sig!, "base64url"))).toBe(true);
    expect(JSON.parse(Buffer.from(p!, "base64url").toString())).toMatchObject({ role: "anon", iss: "supabase" });
    expect(env("functions").SUPABASE_SECRET_KEYS).toBe(JSON.stringify({ default: keys.secretKey }));
  });

  it("a version that needs the new keys refuses a project that lacks them (an upgrade adds them first)", async () => {
    const inp = await input("aaaaaaaaaaaaaaaaaaaa", undefined, {}, LATEST_STACK_VERSION, false);
    delete inp.secrets.apiKeys;
    expect(() => buildStackSpec(inp)).toThrow(/no value for \$\{SUPABASE_PUBLISHABLE_KEY\}/);
    expect(() => buildStackSpec({ ...inp, stackVersion: OLD })).not.toThrow();
  });

  it.each(TEMPLATE_VERSIONS)(
    "%s: Auth settings: confirmation off and the app's URL by default; SMTP and confirmation as the owner sets them",
    async (version) => {
      const inp = await input("aaaaaaaaaaaaaaaaaaaa", undefined, {}, version, false);
      const auth = (i: StackInput) => buildStackSpec(i).services.find((s) => s.service === "auth")!.env;
      expect(auth(inp).GOTRUE_MAILER_AUTOCONFIRM).toBe("true");
      expect(auth(inp).GOTRUE_SITE_URL).toBe("http://localhost:3000");
      expect(auth(inp).GOTRUE_SITE_URL).not.toBe(inp.publicUrl);
      const withSmtp: StackInput = {
        ...inp,
        secrets: { ...inp.secrets, smtpPassword: "s3cret-pass" },
        auth: {
          siteUrl: "https://app.example.com",
          redirectUrls: ["https://app.example.com/**", "http://localhost:5173"],
          confirmEmail: true,
          smtp: { host: "smtp.example.com", port: 587, user: "mailer", senderEmail: "no-reply@example.com", senderName: "Example" },
        },
      };
      expect(auth(withSmtp)).toMatchObject({
        GOTRUE_SITE_URL: "https://app.example.com",
        GOTRUE_URI_ALLOW_LIST: "https://app.example.com/**,http://localhost:5173",
        GOTRUE_MAILER_AUTOCONFIRM: "false",
        GOTRUE_SMTP_HOST: "smtp.example.com",
        GOTRUE_SMTP_PORT: "587",
        GOTRUE_SMTP_USER: "mailer",
        GOTRUE_SMTP_PASS: "s3cret-pass",
        GOTRUE_SMTP_ADMIN_EMAIL: "no-reply@example.com",
        GOTRUE_SMTP_SENDER_NAME: "Example",
      });
    },
  );

  it.each(TEMPLATE_VERSIONS)("%s: phone sign-up and SMS autoconfirm are off unless the owner turns them on", async (version) => {
    const inp = await input("aaaaaaaaaaaaaaaaaaaa", undefined, {}, version, false);
    const auth = (i: StackInput) => buildStackSpec(i).services.find((s) => s.service === "auth")!.env;
    // Without settings, and with settings stored before the phone switches existed.
    for (const settings of [undefined, { siteUrl: "https://app.example.com", redirectUrls: [], confirmEmail: false, smtp: null }]) {
      expect(auth({ ...inp, auth: settings })).toMatchObject({ GOTRUE_EXTERNAL_PHONE_ENABLED: "false", GOTRUE_SMS_AUTOCONFIRM: "false" });
    }
    const on = { siteUrl: "https://app.example.com", redirectUrls: [], confirmEmail: false, phoneSignup: true, phoneAutoconfirm: true, smtp: null };
    expect(auth({ ...inp, auth: on })).toMatchObject({ GOTRUE_EXTERNAL_PHONE_ENABLED: "true", GOTRUE_SMS_AUTOCONFIRM: "true" });
    // Autoconfirm alone means nothing while phone sign-up is off.
    expect(auth({ ...inp, auth: { ...on, phoneSignup: false } })).toMatchObject({ GOTRUE_EXTERNAL_PHONE_ENABLED: "false", GOTRUE_SMS_AUTOCONFIRM: "false" });
  });

  it("applies image overrides per service, then the wildcard", async () => {
    const spec = buildStackSpec(await input("aaaaaaaaaaaaaaaaaaaa", undefined, { db: "local/pg:15", "*": "local/standin:1" }));
    expect(spec.services.find((s) => s.service === "db")!.image).toBe("local/pg:15");
    expect(spec.services.find((s) => s.service === "kong")!.image).toBe("local/standin:1");
  });

  it("refuses an invalid ref", async () => {
    await expect(async () => buildStackSpec(await input("../../etc"))).rejects.toThrow(TemplateError);
  });

  it("fails loudly on a placeholder without a value", () => {
    expect(() => substitute("x ${NOPE} y", {}, "test")).toThrow(/no value for \$\{NOPE\}/);
    expect(substitute("a ${X:-dflt} $$b ${Y}", { Y: "y" }, "test")).toBe("a dflt $b y");
  });

  it("rejects dependency cycles and unknown dependencies", async () => {
    const spec = buildStackSpec(await input("aaaaaaaaaaaaaaaaaaaa"));
    const cyclic = spec.services.map((s) =>
      s.service === "vector" ? { ...s, dependsOn: [{ service: "db" as const, condition: "service_healthy" as const }] } : s,
    );
    expect(() => dependencyOrder(cyclic)).toThrow(/cycle/);
    expect(() => dependencyOrder(spec.services.filter((s) => s.service !== "vector"))).toThrow(/not in the stack/);
  });
});

describe("project secrets", () => {
  it("are unique per project and strong", async () => {
    const [a, b] = await Promise.all([generateProjectSecrets(), generateProjectSecrets()]);
    for (const k of Object.keys(a) as Array<keyof typeof a>) if (k !== "dashboardUsername") expect(a[k]).not.toEqual(b[k]);
    for (const k of Object.keys(a.apiKeys!) as Array<keyof NonNullable<typeof a.apiKeys>>) expect(a.apiKeys![k]).not.toBe(b.apiKeys![k]);
    expect(a.jwtSecret.length).toBeGreaterThanOrEqual(40);
    expect(a.postgresPassword).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(a.vaultEncKey).toHaveLength(32);
  });

  it("sign keys that the project's own verifier accepts and another project's rejects", async () => {
    const [a, b] = await Promise.all([generateProjectSecrets(), generateProjectSecrets()]);
    await expect(verifyProjectKey(a.jwtSecret, a.anonKey)).resolves.toEqual({ role: "anon" });
    await expect(verifyProjectKey(a.jwtSecret, a.serviceRoleKey)).resolves.toEqual({ role: "service_role" });
    await expect(verifyProjectKey(b.jwtSecret, a.anonKey)).rejects.toBeInstanceOf(InvalidProjectKeyError);
    await expect(verifyProjectKey(a.jwtSecret, a.anonKey.slice(0, -2) + "xx")).rejects.toBeInstanceOf(InvalidProjectKeyError);
    const expired = await signProjectKey(a.jwtSecret, "anon", Math.floor(Date.now() / 1000) - 11 * 365 * 24 * 3600);
    await expect(verifyProjectKey(a.jwtSecret, expired)).rejects.toBeInstanceOf(InvalidProjectKeyError);
  });
});

describe("resource limits", () => {
  it("gives every service memory, CPU and process limits from its share of the project's budget", async () => {
    const base = await input("aaaaaaaaaaaaaaaaaaaa");
    const spec = buildStackSpec({ ...base, budget: { memoryMb: 4096, cpus: 2 } });
    const db = spec.services.find((s) => s.service === "db")!;
    expect(db.limits).toEqual({ memoryBytes: 1024 * 1024 * 1024, nanoCpus: 2e9, pids: 1024 });
    for (const s of spec.services) {
      expect(s.limits.memoryBytes, s.service).toBeGreaterThanOrEqual(64 * 1024 * 1024);
      expect(s.limits.nanoCpus, s.service).toBeLessThanOrEqual(2e9);
      expect(s.limits.pids, s.service).toBeGreaterThan(0);
    }
    // The shares add up to the budget (above each service's floor).
    const total = spec.services.reduce((a, s) => a + s.limits.memoryBytes, 0);
    expect(total).toBeGreaterThanOrEqual(4000 * 1024 * 1024);
    expect(total).toBeLessThanOrEqual(4096 * 1024 * 1024);
    // A small plan: floors hold, CPU is capped at the plan's.
    const small = buildStackSpec({ ...base, budget: { memoryMb: 512, cpus: 0.25 } });
    for (const s of small.services) expect(s.limits.nanoCpus, s.service).toBe(250_000_000);
    expect(small.services.find((s) => s.service === "meta")!.limits.memoryBytes).toBe(192 * 1024 * 1024);
    expect(small.services.find((s) => s.service === "vector")!.limits.memoryBytes).toBe(64 * 1024 * 1024);
    // No budget: the template's default plan.
    expect(buildStackSpec(base).services.find((s) => s.service === "db")!.limits.memoryBytes).toBe(1024 * 1024 * 1024);
  });
});

describe("database ports", () => {
  it("bind to the configured address, and carry the installation's certificate to the pooler when there is one", async () => {
    const base = await input("aaaaaaaaaaaaaaaaaaaa");
    const plain = buildStackSpec(base).services.find((s) => s.service === "supavisor")!;
    expect(plain.ports.map((p) => p.hostIp)).toEqual(["0.0.0.0", "0.0.0.0"]);
    expect(plain.env.GLOBAL_DOWNSTREAM_CERT_PATH).toBeUndefined();
    const tls = buildStackSpec({ ...base, dbBindAddress: "10.0.0.5", poolerTls: { certPem: "CERT", keyPem: "KEY" } }).services.find(
      (s) => s.service === "supavisor",
    )!;
    expect(tls.ports.map((p) => p.hostIp)).toEqual(["10.0.0.5", "10.0.0.5"]);
    expect(tls.env.GLOBAL_DOWNSTREAM_CERT_PATH).toBe("/etc/supavisor/tls/server.crt");
    const key = tls.files.find((f) => f.path === tls.env.GLOBAL_DOWNSTREAM_KEY_PATH)!;
    expect(key).toMatchObject({ content: "KEY", mode: 0o600 });
    expect(tls.files.find((f) => f.path === tls.env.GLOBAL_DOWNSTREAM_CERT_PATH)).toMatchObject({ content: "CERT", mode: 0o644 });
    // And the image contracts still hold: Supavisor's user can read both, nobody else the key.
    const spec = buildStackSpec({ ...base, poolerTls: { certPem: "CERT", keyPem: "KEY" } });
    expect(checkStackAgainstContracts(spec, { secrets: ["KEY"] })).toEqual([]);
  });
});

describe("Storage's upload limit", () => {
  it.each(TEMPLATE_VERSIONS)("%s: upstream's 50 MiB by default, the plan's when it has one", async (version) => {
    const inp = await input("aaaaaaaaaaaaaaaaaaaa", undefined, {}, version);
    const storage = (i: StackInput) => buildStackSpec(i).services.find((s) => s.service === "storage")!.env;
    expect(storage(inp).FILE_SIZE_LIMIT).toBe("52428800");
    expect(storage({ ...inp, fileSizeLimitBytes: 5 * 1024 * 1024 * 1024 }).FILE_SIZE_LIMIT).toBe(String(5 * 1024 * 1024 * 1024));
  });
});

describe("the pooler's Erlang node", () => {
  it.each(TEMPLATE_VERSIONS)("%s: gets a release cookie of its own per project, the same on every build", async (version) => {
    const cookie = async (ref: string) =>
      buildStackSpec(await input(ref, undefined, {}, version)).services.find((s) => s.service === "supavisor")!.env.RELEASE_COOKIE;
    const a = await cookie("aaaaaaaaaaaaaaaaaaaa");
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    const b = await cookie("bbbbbbbbbbbbbbbbbbbb");
    expect(b).not.toBe(a);
    // Derived from the project's secret, so a rebuild of the same project's spec keeps it.
    const p = await input("cccccccccccccccccccc", undefined, {}, version);
    const twice = [buildStackSpec(p), buildStackSpec(p)].map((s) => s.services.find((x) => x.service === "supavisor")!.env.RELEASE_COOKIE);
    expect(twice[0]).toBe(twice[1]);
  });
});

describe("steady-state health checks", () => {
  it("run Docker's checks at most every 30 s; the start does not wait for them", async () => {
    const spec = buildStackSpec(await input("aaaaaaaaaaaaaaaaaaaa"));
    const checked = spec.services.filter((s) => s.healthcheck);
    expect(checked.length).toBeGreaterThan(5);
    for (const s of checked) expect(s.healthcheck!.intervalMs, s.service).toBeGreaterThanOrEqual(30_000);
    // Upstream's own command, retries and timeout are kept.
    expect(spec.services.find((s) => s.service === "db")!.healthcheck).toMatchObject({
      test: ["CMD", "pg_isready", "-U", "postgres", "-h", "localhost"],
      retries: 10,
      timeoutMs: 5000,
    });
  });

  it("run at the installation's interval when one is set (SUPAFLEET_HEALTH_INTERVAL), a template's longer one kept", async () => {
    const spec = buildStackSpec({ ...(await input("aaaaaaaaaaaaaaaaaaaa")), healthIntervalMs: 120_000 });
    const checked = spec.services.filter((s) => s.healthcheck);
    expect(checked.length).toBeGreaterThan(5);
    for (const s of checked) expect(s.healthcheck!.intervalMs, s.service).toBe(120_000);
    const short = buildStackSpec({ ...(await input("aaaaaaaaaaaaaaaaaaaa")), healthIntervalMs: 10_000 });
    // realtime's upstream interval (30 s) is longer than 10 s: kept; db's 5 s becomes 10 s.
    expect(short.services.find((s) => s.service === "realtime")!.healthcheck!.intervalMs).toBe(30_000);
    expect(short.services.find((s) => s.service === "db")!.healthcheck!.intervalMs).toBe(10_000);
  });
});
