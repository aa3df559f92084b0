import { describe, expect, it } from "vitest";
import { projectKeys, v1ApiKeys, type ProjectApiKey } from "@/lib/api/api-keys";
import { serviceHealth } from "@/lib/api/health";
import { apiKeySchema, projectSchema, projectWithDatabaseSchema, serviceHealthSchema } from "@/lib/api/schemas";
import { databaseInfo, numericProjectId, organizationOf, v1Project, v1ProjectWithDatabase } from "@/lib/api/views";
import type { ServiceStatus } from "@/lib/projects/provisioner";
import type { ProjectSummary } from "@/lib/projects/service";

const summary: ProjectSummary = {
  stackVersion: "2026.09-r1",
  upgradeTo: null,
  upgradeBlocked: null,
  upgradeNote: null,
  sleepTier: null,
  ref: "abcdefghijklmnopqrst",
  name: "Shop",
  region: null,
  status: "ACTIVE_HEALTHY",
  statusReason: null,
  createdAt: "2026-12-01T10:00:00.000Z",
  apiUrl: "http://abcdefghijklmnopqrst.supafleet.test:8080",
};
const owner = "6f1d7c0e-8b3a-4c49-9c1e-0d2b4a6e8f10";

describe("projects in Supabase's shape", () => {
  it("maps a summary, with the owner's organization and the status word unchanged", () => {
    const p = v1Project(summary, owner);
    expect(projectSchema.strict().parse(p)).toEqual({
      id: summary.ref,
      ref: summary.ref,
      organization_id: owner,
      organization_slug: owner,
      name: "Shop",
      region: "default",
      created_at: summary.createdAt,
      status: "ACTIVE_HEALTHY",
    });
    for (const status of ["COMING_UP", "PAUSING", "INACTIVE", "RESTORING", "INIT_FAILED", "UNKNOWN"] as const) {
      expect(v1Project({ ...summary, status }, owner).status).toBe(status);
    }
  });

  it("reports the database host and the Postgres version of the db image", () => {
    const p = v1ProjectWithDatabase({ ...summary, region: "home-lab" }, owner, "supabase/postgres:15.8.1.060");
    expect(projectWithDatabaseSchema.parse(p).database).toEqual({
      host: "abcdefghijklmnopqrst.supafleet.test",
      version: "15.8.1.060",
      postgres_engine: "15",
      release_channel: "ga",
    });
    expect(p.region).toBe("home-lab");
    expect(databaseInfo("supafleet-standin/postgres:15")).toEqual({ version: "15", postgres_engine: "15" });
    expect(databaseInfo("registry:5000/pg@sha256:abc")).toEqual({ version: "unknown", postgres_engine: "unknown" });
  });

  it("derives a stable, exact numeric id from the ref", () => {
    expect(numericProjectId("aaaaaaaaaaaaaaaaaaaa")).toBe(0);
    expect(numericProjectId("zzzzzzzzzzzzzzzzzzzz")).toBe(26 ** 10 - 1);
    expect(Number.isSafeInteger(numericProjectId("zzzzzzzzzzzzzzzzzzzz"))).toBe(true);
    expect(numericProjectId(summary.ref)).toBe(numericProjectId(summary.ref));
    expect(numericProjectId("baaaaaaaaaaaaaaaaaaa")).not.toBe(numericProjectId("abaaaaaaaaaaaaaaaaaa"));
  });

  it("names one organization per user", () => {
    expect(organizationOf({ id: owner, email: "a@example.com", name: null, role: "USER" })).toEqual({ id: owner, slug: owner, name: "a@example.com" });
    expect(organizationOf({ id: owner, email: "a@example.com", name: "Ada", role: "USER" }).name).toBe("Ada");
  });
});

describe("API keys", () => {
  const details = { anonKey: "eyJanon", serviceRoleKey: "eyJservice", createdAt: summary.createdAt, publishableKey: null, secretKey: null };
  const withNew = { ...details, publishableKey: "sb_publishable_AbCdEfGhIjKlMnOpQrStUv_12345678", secretKey: "sb_secret_ZyXwVuTsRqPoNmLkJiHgFe_87654321" };

  it("returns the legacy pair in full, with or without reveal, as Supabase does", () => {
    for (const reveal of [false, true]) {
      const keys = v1ApiKeys(projectKeys(details), reveal);
      expect(keys.map((k) => apiKeySchema.strict().parse(k))).toHaveLength(2);
      expect(keys.map((k) => [k.name, k.id, k.type, k.api_key, k.description])).toEqual([
        ["anon", "anon", "legacy", "eyJanon", "Legacy anon API key"],
        ["service_role", "service_role", "legacy", "eyJservice", "Legacy service_role API key"],
      ]);
    }
  });

  it("adds the publishable and secret keys where the project has them, named as upstream's self-hosted Studio names them", () => {
    const keys = v1ApiKeys(projectKeys(withNew), true).map((k) => apiKeySchema.strict().parse(k));
    expect(keys.map((k) => [k.name, k.id, k.type, k.api_key, k.description])).toEqual([
      ["anon", "anon", "legacy", "eyJanon", "Legacy anon API key"],
      ["service_role", "service_role", "legacy", "eyJservice", "Legacy service_role API key"],
      ["publishable", "publishable", "publishable", withNew.publishableKey, "Publishable API key (anon role)"],
      ["secret", "secret", "secret", withNew.secretKey, "Secret API key (service_role)"],
    ]);
    // the Supabase CLI takes a secret key as service_role only with this template
    expect(keys[3]!.secret_jwt_template).toEqual({ role: "service_role" });
    expect(keys[2]!.secret_jwt_template).toBeNull();
  });

  it("masks the secret key to its 15-character prefix unless revealed; the publishable key is always whole", () => {
    const [, , publishable, secret] = v1ApiKeys(projectKeys(withNew), false);
    expect(secret!.api_key).toBe("sb_secret_ZyXwV");
    expect(secret!.prefix).toBe("sb_secret_ZyXwV");
    expect(JSON.stringify(secret)).not.toContain("uTsRqPoNm");
    expect(publishable!.api_key).toBe(withNew.publishableKey);
    expect(publishable!.prefix).toBeNull();
    const revealed = v1ApiKeys(projectKeys(withNew), true)[3]!;
    expect(revealed.api_key).toBe(withNew.secretKey);
    expect(revealed.prefix).toBe("sb_secret_ZyXwV");
  });

  it("masks any secret-type key, whatever its source", () => {
    const secret: ProjectApiKey = {
      id: "k1",
      name: "default",
      type: "secret",
      value: "sb_secret_0123456789abcdef",
      secret: true,
      description: "",
      jwtTemplate: { role: "service_role" },
      insertedAt: null,
      updatedAt: null,
    };
    expect(v1ApiKeys([secret], false)[0]!.api_key).toBe("sb_secret_01234");
    expect(v1ApiKeys([secret], true)[0]!.api_key).toBe(secret.value);
  });
});

describe("service health", () => {
  const st = (service: string, state: string, health: ServiceStatus["health"], exitCode: number | null = null): ServiceStatus => ({
    service,
    containerName: `x-${service}`,
    state,
    health,
    exitCode,
    startedAt: null,
    restartCount: 0,
  });
  const statuses = [
    st("db", "running", "healthy"),
    st("auth", "running", "starting"),
    st("rest", "exited", "none", 1),
    st("supavisor", "running", "unhealthy"),
    st("realtime", "running", "none"),
  ];

  it("counts a service Docker has not checked yet as healthy once the project is up (it passed its own check to get there)", () => {
    expect(serviceHealth(["auth"], statuses, false).map((h) => h.status)).toEqual(["ACTIVE_HEALTHY"]);
    expect(serviceHealth(["auth"], statuses, true).map((h) => h.status)).toEqual(["COMING_UP"]);
  });

  it("maps container state to Supabase's three words, one entry per asked name", () => {
    const out = serviceHealth(["db", "db_postgres_user", "auth", "rest", "pooler", "realtime", "storage", "pg_bouncer", "db"], statuses, true);
    expect(out.map((h) => serviceHealthSchema.strict().parse(h))).toHaveLength(8);
    expect(out.map((h) => [h.name, h.status, h.healthy])).toEqual([
      ["db", "ACTIVE_HEALTHY", true],
      ["db_postgres_user", "ACTIVE_HEALTHY", true],
      ["auth", "COMING_UP", false],
      ["rest", "UNHEALTHY", false],
      ["pooler", "UNHEALTHY", false],
      ["realtime", "ACTIVE_HEALTHY", true],
      ["storage", "UNHEALTHY", false],
      ["pg_bouncer", "UNHEALTHY", false],
    ]);
    expect(out[3]!.error).toContain("exit code 1");
    expect(out[6]!.error).toContain("does not exist");
    expect(out[7]!.error).toContain("Supavisor");
  });
});
