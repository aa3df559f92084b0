import { describe, expect, it } from "vitest";
import type Docker from "dockerode";
import { DEFAULT_UNHEALTHY_GRACE_MS } from "@/lib/docker/readiness";
import { LATEST_STACK_VERSION } from "@/lib/stack/build-stack-spec";
import { LABELS, type StackSpec } from "@/lib/stack/types";
import { buildSwarmServiceSpecs, configName, SPEC_HASH_LABEL, SWARM_HEALTH_INTERVAL_MS, swarmOwned } from "@/lib/swarm/service-specs";
import { sampleSpec } from "@/test/support/sample-spec";

const REF = "abcdefghijabcdefghij";
const NODE = "n0de1d";

async function spec(overrides: Partial<{ subnet: string; poolerTls: { certPem: string; keyPem: string } }> = {}): Promise<StackSpec> {
  return sampleSpec(REF, LATEST_STACK_VERSION, overrides);
}

const container = (s: Docker.CreateServiceOptions) => (s.TaskTemplate as Docker.ContainerTaskSpec).ContainerSpec!;
const task = (s: Docker.CreateServiceOptions) => s.TaskTemplate as Docker.ContainerTaskSpec;

describe("buildSwarmServiceSpecs", () => {
  it("makes one attachable overlay on the leased subnet, labelled like the bridge network, encrypted only when asked", async () => {
    const s = await spec({ subnet: "10.213.0.64/26" });
    const plain = buildSwarmServiceSpecs(s, { id: NODE });
    expect(plain.network).toMatchObject({ Name: `supafleet-${REF}`, Driver: "overlay", Attachable: true, IPAM: { Config: [{ Subnet: "10.213.0.64/26" }] } });
    expect(plain.network.Labels).toEqual(s.network.labels);
    expect(plain.network.Options).toBeUndefined();
    expect(buildSwarmServiceSpecs(s, { id: NODE }, { encrypted: true }).network.Options).toEqual({ encrypted: "true" });
  });

  it("pins every service of the project to its node, one replica, with the same labels, image, env, limits and aliases as its container", async () => {
    const s = await spec();
    const plan = buildSwarmServiceSpecs(s, { id: NODE });
    expect(plan.services.map((p) => p.service).sort()).toEqual(s.services.map((x) => x.service).sort());
    for (const p of plan.services) {
      const svc = s.services.find((x) => x.service === p.service)!;
      expect(p.spec.Name).toBe(svc.containerName);
      expect(task(p.spec).Placement?.Constraints).toEqual([`node.id==${NODE}`]);
      expect(p.spec.Mode).toEqual({ Replicated: { Replicas: 1 } });
      expect(container(p.spec).Image).toBe(svc.image);
      expect(container(p.spec).Labels).toEqual(svc.labels);
      expect(swarmOwned(p.spec.Labels, REF, "0123456789abcdef")).toBe(true);
      expect(swarmOwned(p.spec.Labels, REF, "fedcba9876543210")).toBe(false);
      expect(container(p.spec).Env).toEqual(Object.entries(svc.env).map(([k, v]) => `${k}=${v}`));
      expect(task(p.spec).Resources?.Limits).toEqual({ MemoryBytes: svc.limits.memoryBytes, NanoCPUs: svc.limits.nanoCpus, Pids: svc.limits.pids });
      expect(task(p.spec).Networks).toEqual([{ Target: s.network.name, Aliases: svc.aliases }]);
      expect(task(p.spec).RestartPolicy?.Condition).toBe("any");
      // Volumes are made by the node on first use: they must carry our labels from the start.
      for (const m of container(p.spec).Mounts ?? []) {
        expect(m.Type).toBe("volume");
        expect(m.VolumeOptions?.Labels[LABELS.ref]).toBe(REF);
        expect(m.VolumeOptions?.Labels[LABELS.volume]).toBeTruthy();
      }
      if (svc.entrypoint) expect(container(p.spec).Command).toEqual(svc.entrypoint);
      else expect(container(p.spec).Command).toBeUndefined();
      if (svc.cmd) expect(container(p.spec).Args).toEqual(svc.cmd);
    }
  });

  it("publishes the gateway and database ports in host mode, nothing through the routing mesh", async () => {
    const plan = buildSwarmServiceSpecs(await spec(), { id: NODE });
    const published = plan.services.flatMap((p) => p.spec.EndpointSpec?.Ports ?? []);
    expect(published.map((p) => p.PublishedPort).sort()).toEqual([54001, 54002, 54003]);
    for (const p of published) expect(p.PublishMode).toBe("host");
    // Service names resolve to the task itself (no IPVS virtual IP).
    for (const p of plan.services) expect(p.spec.EndpointSpec?.Mode).toBe("dnsrr");
  });

  it("turns each file into a Swarm config with the file's path, owner and mode; the name changes with the content", async () => {
    const s = await spec({ poolerTls: { certPem: "CERT", keyPem: "KEY" } });
    const plan = buildSwarmServiceSpecs(s, { id: NODE });
    const pooler = s.services.find((x) => x.service === "supavisor")!;
    const key = pooler.files.find((f) => f.content === "KEY")!;
    expect(key.mode).toBe(0o600);
    const refs = container(plan.services.find((p) => p.service === "supavisor")!.spec).Configs!;
    expect(refs).toContainEqual({
      File: { Name: key.path, UID: String(key.uid), GID: String(key.gid), Mode: 0o600 },
      ConfigID: "",
      ConfigName: configName(REF, key),
    });
    const config = plan.configs.find((c) => c.name === configName(REF, key))!;
    expect(Buffer.from(config.data, "base64").toString()).toBe("KEY");
    expect(config.name.length).toBeLessThanOrEqual(64);
    expect(configName(REF, { ...key, content: "OTHER" })).not.toBe(configName(REF, key));
    expect(configName(REF, { ...key, mode: 0o644 })).not.toBe(configName(REF, key));
    // Every file of every service is there.
    expect(plan.configs.length).toBe(new Set(s.services.flatMap((x) => x.files.map((f) => configName(REF, f)))).size);
  });

  it("runs health checks at upstream's 5 s (the only judge of a start on another node), and tolerates failures for the single engine's grace", async () => {
    const s = await spec();
    for (const p of buildSwarmServiceSpecs(s, { id: NODE }).services) {
      const hc = s.services.find((x) => x.service === p.service)!.healthcheck;
      if (!hc) expect(container(p.spec).HealthCheck).toBeUndefined();
      else {
        expect(container(p.spec).HealthCheck).toMatchObject({ Test: hc.test, Interval: SWARM_HEALTH_INTERVAL_MS * 1e6, Timeout: hc.timeoutMs * 1e6 });
        expect(container(p.spec).HealthCheck!.Retries! * SWARM_HEALTH_INTERVAL_MS).toBeGreaterThanOrEqual(DEFAULT_UNHEALTHY_GRACE_MS);
      }
    }
  });

  it("labels each service with a hash of its spec: same input same hash, another node another hash", async () => {
    const s = await spec();
    const a = buildSwarmServiceSpecs(s, { id: NODE }).services[0]!.spec.Labels![SPEC_HASH_LABEL];
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(buildSwarmServiceSpecs(s, { id: NODE }).services[0]!.spec.Labels![SPEC_HASH_LABEL]).toBe(a);
    expect(buildSwarmServiceSpecs(s, { id: "other1" }).services[0]!.spec.Labels![SPEC_HASH_LABEL]).not.toBe(a);
  });

  it("refuses a node id that could smuggle another constraint", async () => {
    const s = await spec();
    expect(() => buildSwarmServiceSpecs(s, { id: "x\nnode.role==manager" })).toThrow(/node id/);
  });
});
