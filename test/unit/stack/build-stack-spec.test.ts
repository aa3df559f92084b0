import { describe, expect, it } from "vitest";
import { buildStackSpec, renderKongConfig, STACK_VERSION, type StackInput } from "@/lib/stack/build-stack-spec";
import { generateProjectSecrets, signProjectKey, verifyProjectKey, InvalidProjectKeyError } from "@/lib/stack/secrets";
import { substitute, TemplateError } from "@/lib/stack/template";
import { dependencyOrder } from "@/lib/docker/stack-runner";
import { LABELS, SERVICE_NAMES } from "@/lib/stack/types";
import { parse } from "yaml";
import { checkStackAgainstContracts } from "@/lib/stack/check-contracts";

async function input(ref: string, ports = { kongHttp: 54001, postgres: 54002, pooler: 54003 }, overrides: Record<string, string> = {}): Promise<StackInput> {
  return { ref, installationId: "0123456789abcdef", sealedMetadata: "v1.sealed", secrets: await generateProjectSecrets(), ports, publicUrl: `https://${ref}.cloud.test`, imageOverrides: overrides, dockerSocketPath: "/var/run/docker.sock" };
}

describe("buildStackSpec", () => {
  it("has all 13 services, pinned images, and a valid dependency order", async () => {
    const spec = buildStackSpec(await input("aaaaaaaaaaaaaaaaaaaa"));
    expect(spec.services.map((s) => s.service).sort()).toEqual([...SERVICE_NAMES].sort());
    for (const s of spec.services) {
      expect(s.image, s.service).toMatch(/^[a-z0-9./-]+:[A-Za-z0-9._-]+$/);
      expect(s.image, s.service).not.toMatch(/:latest$/);
    }
    const levels = dependencyOrder(spec.services);
    expect(levels[0]!.map((s) => s.service).sort()).toEqual(["imgproxy", "vector"]);
    expect(levels.flat()).toHaveLength(13);
    expect(spec.stackVersion).toBe(STACK_VERSION);
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
    await expect(async () => buildStackSpec({ ...(await input("aaaaaaaaaaaaaaaaaaaa")), installationId: "x,supafleet.managed=true" })).rejects.toBeInstanceOf(TemplateError);
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
    for (const secret of Object.values(inp.secrets)) if (secret.length > 12) expect(visible).not.toContain(secret);
  });

  it("renders kong.yml with this project's keys, readable only by Kong's user", async () => {
    const inp = await input("aaaaaaaaaaaaaaaaaaaa");
    const spec = buildStackSpec(inp);
    const file = spec.services.find((s) => s.service === "kong")!.files.find((f) => f.path === "/home/kong/kong.yml")!;
    // kong:2.8.1 runs as kong (uid 100, group nogroup 65533): see templates/supabase/images.ts.
    expect(file.mode).toBe(0o600);
    expect(file.uid).toBe(100);
    expect(file.gid).toBe(65533);
    const kong = parse(file.content) as { consumers: Array<{ username: string; keyauth_credentials?: Array<{ key: string }> }> };
    expect(kong.consumers.find((c) => c.username === "anon")!.keyauth_credentials![0]!.key).toBe(inp.secrets.anonKey);
    expect(kong.consumers.find((c) => c.username === "service_role")!.keyauth_credentials![0]!.key).toBe(inp.secrets.serviceRoleKey);
    expect(renderKongConfig(inp)).toBe(file.content);
    expect(file.content).not.toMatch(/\$\{/);
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
    const cyclic = spec.services.map((s) => (s.service === "vector" ? { ...s, dependsOn: [{ service: "db" as const, condition: "service_healthy" as const }] } : s));
    expect(() => dependencyOrder(cyclic)).toThrow(/cycle/);
    expect(() => dependencyOrder(spec.services.filter((s) => s.service !== "vector"))).toThrow(/not in the stack/);
  });
});

describe("project secrets", () => {
  it("are unique per project and strong", async () => {
    const [a, b] = await Promise.all([generateProjectSecrets(), generateProjectSecrets()]);
    for (const k of Object.keys(a) as Array<keyof typeof a>) if (k !== "dashboardUsername") expect(a[k]).not.toBe(b[k]);
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
    const tls = buildStackSpec({ ...base, dbBindAddress: "10.0.0.5", poolerTls: { certPem: "CERT", keyPem: "KEY" } }).services.find((s) => s.service === "supavisor")!;
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

describe("steady-state health checks", () => {
  it("run Docker's checks at most every 30 s; the start does not wait for them", async () => {
    const spec = buildStackSpec(await input("aaaaaaaaaaaaaaaaaaaa"));
    const checked = spec.services.filter((s) => s.healthcheck);
    expect(checked.length).toBeGreaterThan(5);
    for (const s of checked) expect(s.healthcheck!.intervalMs, s.service).toBeGreaterThanOrEqual(30_000);
    // Upstream's own command, retries and timeout are kept.
    expect(spec.services.find((s) => s.service === "db")!.healthcheck).toMatchObject({ test: ["CMD", "pg_isready", "-U", "postgres", "-h", "localhost"], retries: 10, timeoutMs: 5000 });
  });
});
