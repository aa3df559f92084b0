// The analytics log path as data: which container logs where (lib/stack/log-path.ts).
import { describe, expect, it } from "vitest";
import { buildStackSpec, containerName, type StackInput } from "@/lib/stack/build-stack-spec";
import { FLUENT_PORT, logIntakeAddress } from "@/lib/stack/log-path";
import { TEMPLATE_VERSIONS } from "@/lib/stack/template";
import { dependencyOrder } from "@/lib/stack/run-graph";
import { sampleInput } from "@/test/support/sample-spec";

async function input(ref: string, version: string, opts: { analytics: boolean; subnet?: string }): Promise<StackInput> {
  return sampleInput(ref, version, { analytics: opts.analytics, subnet: opts.subnet });
}

describe("logIntakeAddress", () => {
  it("moves the subnet's first host address into 127.0.0.0/8, one per subnet", () => {
    expect(logIntakeAddress("10.213.0.0/26")).toBe("127.213.0.1");
    expect(logIntakeAddress("10.213.0.64/26")).toBe("127.213.0.65");
    expect(logIntakeAddress("10.213.255.192/26")).toBe("127.213.255.193");
    // a /16 pool of /26s: 1,024 subnets, 1,024 different addresses, never 127.0.0.1
    const all = new Set(Array.from({ length: 1024 }, (_, i) => logIntakeAddress(`10.213.${i >> 2}.${(i & 3) * 64}/26`)));
    expect(all.size).toBe(1024);
    expect(all.has("127.0.0.1")).toBe(false);
  });

  it("has none for what is not an IPv4 subnet with room for a host", () => {
    expect(logIntakeAddress("10.213.0.0/31")).toBeNull();
    expect(logIntakeAddress("fd00::/64")).toBeNull();
    expect(logIntakeAddress("10.213.0.0")).toBeNull();
  });
});

describe.each(TEMPLATE_VERSIONS)("the log path in %s", (version) => {
  const ref = "abcdefghijklmnopqrst";

  it("points every container but Vector at the project's own Vector, whose intake listens only on that loopback address", async () => {
    const spec = buildStackSpec(await input(ref, version, { analytics: true, subnet: "10.213.4.64/26" }));
    const vector = spec.services.find((s) => s.service === "vector")!;
    expect(vector.logIntake).toEqual({ containerPort: FLUENT_PORT, hostPort: FLUENT_PORT, hostIp: "127.213.4.65" });
    expect(vector.logging).toBeUndefined();
    // Vector's own config listens where the intake is published.
    const config = vector.files.find((f) => f.path.endsWith("vector.yml"))!.content;
    expect(config).toContain(`type: fluent\n    address: 0.0.0.0:${FLUENT_PORT}`);
    expect(config).not.toMatch(/type: docker_logs/);
    for (const s of spec.services.filter((x) => x !== vector)) {
      expect(s.logging, s.service).toEqual({
        driver: "fluentd",
        options: expect.objectContaining({ "fluentd-address": "tcp://127.213.4.65:24224", "fluentd-async": "true", tag: containerName(ref, s.service) }),
      });
      expect(s.logIntake).toBeUndefined();
    }
    // Vector routes on the tags the driver sends: the namespaced container names.
    for (const s of ["auth", "rest", "db"]) expect(config).toContain(`.appname == "${containerName(ref, s)}"`);
  });

  it("starts Vector before every service that logs to it, and Vector waits for none of them", async () => {
    const spec = buildStackSpec(await input(ref, version, { analytics: true, subnet: "10.213.4.64/26" }));
    expect(spec.services.find((s) => s.service === "vector")!.dependsOn).toEqual([]);
    expect(dependencyOrder(spec.services)[0]!.map((s) => s.service)).toEqual(["vector"]);
    for (const s of spec.services.filter((x) => x.service !== "vector"))
      expect(
        s.dependsOn.filter((d) => d.service === "vector"),
        s.service,
      ).toHaveLength(1);
  });

  it("is not there with analytics off, or without a leased subnet", async () => {
    for (const opts of [{ analytics: false, subnet: "10.213.4.64/26" }, { analytics: true }]) {
      const spec = buildStackSpec(await input(ref, version, opts));
      for (const s of spec.services) {
        expect(s.logging, s.service).toBeUndefined();
        expect(s.logIntake, s.service).toBeUndefined();
      }
    }
  });
});
