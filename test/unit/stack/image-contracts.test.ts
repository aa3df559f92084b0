import { describe, expect, it } from "vitest";
import { buildStackSpec } from "@/lib/stack/build-stack-spec";
import { checkStackAgainstContracts, permits } from "@/lib/stack/check-contracts";
import { generateProjectSecrets } from "@/lib/stack/secrets";
import { loadTemplate, TEMPLATE_VERSIONS } from "@/lib/stack/template";
import type { ServiceSpec, StackSpec } from "@/lib/stack/types";
import type { ImageContract } from "@/templates/supabase/contract-types";
import { sampleInput } from "@/test/support/sample-spec";

const OLD = "2026.02-r1";
const IMAGE_CONTRACTS = loadTemplate(OLD).contracts;

async function sample(stackVersion = OLD, analytics = true): Promise<{ spec: StackSpec; secrets: string[] }> {
  const inp = await sampleInput("cccccccccccccccccccc", stackVersion, {
    analytics,
    secrets: { ...(await generateProjectSecrets()), smtpPassword: "smtp-password-1" },
    auth: {
      siteUrl: "https://app.example.com",
      redirectUrls: [],
      confirmEmail: true,
      smtp: { host: "smtp.example.com", port: 587, user: "mailer", senderEmail: "a@example.com" },
    },
  });
  // The dashboard user name ("supabase") is not a secret; every other value is, the new API keys included.
  const { apiKeys, ...rest } = inp.secrets;
  const secrets = [
    ...Object.entries(rest)
      .filter(([k]) => k !== "dashboardUsername")
      .map(([, v]) => String(v)),
    ...Object.values(apiKeys!),
  ];
  return { spec: buildStackSpec(inp), secrets };
}

/** A deep copy with one service changed, so each case starts from the real spec. */
function withService(spec: StackSpec, name: string, change: (s: ServiceSpec) => void): StackSpec {
  const copy = structuredClone(spec);
  change(copy.services.find((s) => s.service === name)!);
  return copy;
}

describe.each(TEMPLATE_VERSIONS)("image contracts of %s", (version) => {
  it("cover every service of the template, with the image the compose file pins, and cite every fact", () => {
    const { compose, contracts } = loadTemplate(version);
    expect(Object.keys(contracts).sort()).toEqual(Object.keys(compose.services).sort());
    for (const name of Object.keys(compose.services)) {
      const c = contracts[name]!;
      expect(c.service).toBe(name);
      expect(c.image, name).toBe(compose.services[name]!.image);
      expect(c.upstream.commit, name).toMatch(/^[0-9a-f]{40}$/);
      const sources = [
        c.user.source,
        c.startsAsRoot.source,
        c.entrypoint.source,
        c.cmd.source,
        c.imageHealthcheck.source,
        ...Object.values(c.tools).map((t) => t.source),
        ...c.reads.map((r) => r.source),
        ...c.writes.map((w) => w.source),
      ];
      for (const s of sources) expect(s.trim().length, `${name}: empty source`).toBeGreaterThan(10);
      // Unknown ids must say so.
      if (c.user.uid === null || c.user.gid === null) expect(c.user.source).toMatch(/not found/);
    }
  });

  it.each([true, false])("hold the stack buildStackSpec produces (analytics %s) with nothing wrong", async (analytics) => {
    const { spec, secrets } = await sample(version, analytics);
    expect(checkStackAgainstContracts(spec, { secrets })).toEqual([]);
  });

  it("would notice a stack service without a contract", async () => {
    const { spec } = await sample(version);
    const contracts = { ...loadTemplate(version).contracts };
    delete contracts.auth;
    expect(checkStackAgainstContracts(spec, { contracts }).map((x) => x.rule)).toEqual(["contract-missing"]);
  });
});

describe("contract facts", () => {
  it("Kong 2.8.1 runs as uid 100, group nogroup (65533), as busybox adduser -S assigns on Alpine", () => {
    expect(IMAGE_CONTRACTS.kong!.user).toMatchObject({ uid: 100, gid: 65533, user: "kong", group: "nogroup" });
  });

  it("Envoy (2026.09-r1) runs as root under upstream's entrypoint, with bash and timeout for its TCP health check and no curl or wget", () => {
    const envoy = loadTemplate("2026.09-r1").contracts["api-gw"]!;
    expect(envoy.user).toMatchObject({ uid: 0, gid: 0 });
    expect(envoy.tools.bash!.value && envoy.tools.timeout!.value).toBe(true);
    expect(envoy.tools.curl!.value || envoy.tools.wget!.value).toBe(false);
  });
});

describe("2026.09-r1's facts are read at its own pins", () => {
  const contracts = loadTemplate("2026.09-r1").contracts;

  it("Postgres 17 from Dockerfile-17 (ubuntu:noble, its own postgres account), not inferred from Dockerfile-15", () => {
    const db = contracts.db!;
    expect(db.upstream.files).toContain("Dockerfile-17");
    expect(db.upstream.commit).not.toBe(IMAGE_CONTRACTS.db!.upstream.commit);
    expect(db.user.source).toMatch(/ubuntu:noble/);
    expect(db.user.source).not.toMatch(/same .*postgres account/);
    expect(db.writes.find((w) => w.path === "/etc/postgresql-custom")?.source).toMatch(/conf\.d/);
  });

  it("gotrue, postgrest, imgproxy and logflare were re-read at their tags (no stale 'not found')", () => {
    const tags: Record<string, string> = { auth: "v2.196.0", rest: "v14.17", imgproxy: "v3.31.4", analytics: "v1.42.0" };
    for (const [service, tag] of Object.entries(tags)) {
      const c = contracts[service]!;
      expect(c.upstream.ref, service).toBe(tag);
      expect(c.upstream.commit, service).toMatch(/^[0-9a-f]{40}$/);
      expect(c.upstream.note ?? "", service).not.toMatch(/not found/);
    }
  });
});

describe("checkStackAgainstContracts", () => {
  it("fails on the old Kong file owner (kong.yml 0600 owned by 1000:1000)", async () => {
    const { spec, secrets } = await sample();
    const old = withService(spec, "kong", (s) => {
      const f = s.files.find((x) => x.path === "/home/kong/kong.yml")!;
      Object.assign(f, { mode: 0o600, uid: 1000, gid: 1000 });
    });
    const v = checkStackAgainstContracts(old, { secrets });
    expect(v).toEqual([expect.objectContaining({ service: "kong", rule: "file-unreadable" })]);
    expect(v[0]!.message).toContain("/home/kong/kong.yml");
  });

  it("refuses a world-readable file that holds a project secret", async () => {
    const { spec, secrets } = await sample();
    const open = withService(spec, "kong", (s) => {
      s.files.find((x) => x.path === "/home/kong/kong.yml")!.mode = 0o644;
    });
    expect(checkStackAgainstContracts(open, { secrets }).map((x) => x.rule)).toEqual(["secret-exposed"]);
  });

  it("refuses a file the image is not known to read", async () => {
    const { spec } = await sample();
    const extra = withService(spec, "auth", (s) => s.files.push({ path: "/etc/gotrue.env", content: "x", mode: 0o644, uid: 0, gid: 0 }));
    expect(checkStackAgainstContracts(extra).map((x) => x.rule)).toEqual(["file-undeclared"]);
  });

  it("refuses a health check whose tool the image lacks (curl in an Alpine image that has busybox wget only)", async () => {
    const { spec } = await sample();
    const curl = withService(spec, "auth", (s) => {
      s.healthcheck!.test = ["CMD", "curl", "-f", "http://localhost:9999/health"];
    });
    expect(checkStackAgainstContracts(curl)).toEqual([expect.objectContaining({ service: "auth", rule: "health-tool-missing" })]);
    const shell = withService(spec, "rest", (s) => {
      s.healthcheck = { test: ["CMD-SHELL", "postgrest --ready"], intervalMs: 5000, timeoutMs: 5000, retries: 3, startPeriodMs: 0 };
    });
    // PostgREST's image is one static binary: no /bin/sh for CMD-SHELL.
    expect(checkStackAgainstContracts(shell).map((x) => x.rule)).toEqual(["health-tool-missing"]);
  });

  it("refuses running as root what upstream runs unprivileged, and any other user override", async () => {
    const { spec } = await sample();
    expect(checkStackAgainstContracts(withService(spec, "kong", (s) => (s.user = "0:0"))).map((x) => x.rule)).toEqual(["runs-as-root"]);
    expect(checkStackAgainstContracts(withService(spec, "auth", (s) => (s.user = "root"))).map((x) => x.rule)).toEqual(["runs-as-root"]);
    expect(checkStackAgainstContracts(withService(spec, "auth", (s) => (s.user = "1000:1000")))).toEqual([]);
    expect(checkStackAgainstContracts(withService(spec, "auth", (s) => (s.user = "1001")))[0]!.rule).toBe("user-mismatch");
    // Root where upstream is root is fine.
    expect(checkStackAgainstContracts(withService(spec, "storage", (s) => (s.user = "0")))).toEqual([]);
  });

  it("refuses a volume the image's user cannot write, and one the contract does not know", async () => {
    const { spec } = await sample();
    // storage's volume mount point is absent from the image: Docker makes it root:root 0755.
    const contracts = structuredClone(IMAGE_CONTRACTS) as Record<string, ImageContract>;
    contracts.storage!.user = { ...contracts.storage!.user, uid: 1000, gid: 1000, user: "node" };
    const v = checkStackAgainstContracts(spec, { contracts });
    expect(v.filter((x) => x.rule === "volume-unwritable").map((x) => x.service)).toEqual(["storage", "storage"]);
    const undeclared = withService(spec, "auth", (s) =>
      s.mounts.push({ type: "volume", source: "supafleet-cccccccccccccccccccc-storage", target: "/data", readOnly: false }),
    );
    expect(checkStackAgainstContracts(undeclared).map((x) => x.rule)).toEqual(["volume-undeclared"]);
  });

  it("applies POSIX permission order (owner bits first, then group, then other; root bypasses)", () => {
    const kong = { uid: 100, gid: 65533 };
    expect(permits(kong, { uid: 100, gid: 65533, mode: 0o600 }, 4)).toBe(true);
    expect(permits(kong, { uid: 1000, gid: 1000, mode: 0o600 }, 4)).toBe(false);
    expect(permits(kong, { uid: 0, gid: 65533, mode: 0o640 }, 4)).toBe(true);
    expect(permits(kong, { uid: 100, gid: 65533, mode: 0o060 }, 4)).toBe(false);
    expect(permits({ uid: null, gid: null }, { uid: 0, gid: 0, mode: 0o644 }, 4)).toBe(true);
    expect(permits({ uid: null, gid: null }, { uid: 0, gid: 0, mode: 0o640 }, 4)).toBe(false);
    expect(permits({ uid: 0, gid: 0 }, { uid: 5, gid: 5, mode: 0o000 }, 2)).toBe(true);
  });
});
