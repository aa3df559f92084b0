// applyStack's health-check policy on the real Docker engine, with two tiny
// services from the test base image: a service whose health check fails for
// a while (as on a loaded host) must not fail the create if it recovers within
// the grace period; one that never recovers fails it with the check's output.
import type Docker from "dockerode";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { ServiceUnhealthyError } from "@/lib/errors";
import { removeStack } from "@/lib/docker/resources";
import { applyStack, stopStack, type StackEvent } from "@/lib/docker/stack-runner";
import { generateRef } from "@/lib/projects/ref";
import { LABELS, type ServiceName, type ServiceSpec, type StackSpec } from "@/lib/stack/types";
import { newInstallationId } from "@/test/support/installation";
import { BASE_IMAGE, ensureBaseImage, ensureDockerHost } from "@/test/support/docker-host";

let docker: Docker;
const refs: string[] = [];
const installationId = newInstallationId();

function newRef(): string {
  const ref = generateRef();
  refs.push(ref);
  return ref;
}

/** A one-service stack whose health check passes once /tmp/ok exists. */
function stack(ref: string, service: ServiceName, script: string): StackSpec {
  const labels = { [LABELS.managed]: "true", [LABELS.installation]: installationId, [LABELS.ref]: ref };
  const svc: ServiceSpec = {
    service,
    containerName: `supafleet-${ref}-${service}`,
    image: BASE_IMAGE,
    aliases: [service],
    env: {},
    entrypoint: ["sh", "-c", script],
    mounts: [],
    ports: [],
    files: [],
    healthcheck: { test: ["CMD-SHELL", "echo checking; test -f /tmp/ok"], intervalMs: 1000, timeoutMs: 1000, retries: 1, startPeriodMs: 0 },
    dependsOn: [],
    labels: { ...labels, [LABELS.service]: service },
    // sh as PID 1 ignores SIGTERM: a stop waits out the whole grace.
    stopGraceSeconds: 2,
    limits: { memoryBytes: 64 * 1024 * 1024, nanoCpus: 500_000_000, pids: 64 },
  };
  const metadata = { name: `supafleet-${ref}-metadata`, labels: { ...labels, [LABELS.volume]: "metadata" } };
  return {
    ref,
    installationId,
    stackVersion: "test",
    network: { name: `supafleet-${ref}`, labels },
    volumes: [metadata],
    services: [svc],
    metadata: { volume: metadata.name, sealed: "sealed-test-metadata" },
  };
}

beforeAll(async () => {
  docker = await ensureDockerHost();
  await ensureBaseImage(docker);
});

afterEach(async () => {
  for (const ref of refs.splice(0)) await removeStack(docker, ref, installationId, { volumes: true });
});

describe("applyStack health checks", () => {
  it("waits for a service that is unhealthy for a while and then recovers", async () => {
    const events: StackEvent[] = [];
    // Unhealthy after ~1 s (one missed check), healthy from ~6 s.
    const spec = stack(newRef(), "auth", "sleep 6; touch /tmp/ok; exec sleep infinity");
    await applyStack(docker, spec, { onEvent: (e) => events.push(e), unhealthyGraceMs: 30_000, pollMs: 200 });
    const kinds = events.filter((e) => e.service === "auth").map((e) => e.kind);
    expect(kinds).toContain("service.unhealthy");
    expect(kinds.at(-1)).toBe("service.healthy");
    expect(kinds.indexOf("service.unhealthy")).toBeLessThan(kinds.indexOf("service.healthy"));
    // The engine's own checker agrees soon after (its next scheduled check).
    await expect
      .poll(async () => (await docker.getContainer(spec.services[0]!.containerName).inspect()).State.Health?.Status, { timeout: 5_000 })
      .toBe("healthy");
  });

  it("counts a service ready when its own check passes, without waiting for the engine's first scheduled check", async () => {
    // Ready at once, but the engine would first check it only after 60 s.
    const spec = stack(newRef(), "realtime", "touch /tmp/ok; exec sleep infinity");
    spec.services[0]!.healthcheck = { ...spec.services[0]!.healthcheck!, intervalMs: 60_000 };
    await applyStack(docker, spec, { pollMs: 200 });
    // Still "starting" for the engine: readiness came from running the check ourselves.
    expect((await docker.getContainer(spec.services[0]!.containerName).inspect()).State.Health?.Status).toBe("starting");
    // And with probing off it would still be waiting (the engine's schedule decides).
    const slow = stack(newRef(), "storage", "touch /tmp/ok; exec sleep infinity");
    slow.services[0]!.healthcheck = { ...slow.services[0]!.healthcheck!, intervalMs: 60_000 };
    const abort = new AbortController();
    const waiting = applyStack(docker, slow, { pollMs: 200, probe: false, signal: abort.signal }).then(
      () => "ready",
      () => "cancelled",
    );
    await new Promise((r) => setTimeout(r, 5_000));
    abort.abort();
    expect(await waiting).toBe("cancelled");
  });

  it("runs each container inside its memory, swap, CPU and process limits", async () => {
    const spec = stack(newRef(), "meta", "touch /tmp/ok; exec sleep infinity");
    await applyStack(docker, spec, { pollMs: 200 });
    const host = (await docker.getContainer(spec.services[0]!.containerName).inspect()).HostConfig as {
      Memory: number;
      MemorySwap: number;
      NanoCpus: number;
      PidsLimit: number;
    };
    expect(host).toMatchObject({ Memory: 64 * 1024 * 1024, MemorySwap: 64 * 1024 * 1024, NanoCpus: 500_000_000, PidsLimit: 64 });
    // The kernel enforces the process limit: 200 background processes stop at it.
    const exec = await docker
      .getContainer(spec.services[0]!.containerName)
      .exec({ Cmd: ["sh", "-c", "for i in $(seq 1 200); do sleep 30 & done 2>/dev/null; true"], AttachStdout: true, AttachStderr: true });
    const stream = await exec.start({ hijack: true, stdin: false });
    stream.resume();
    await new Promise((r) => stream.on("end", r));
    const running = await docker.getContainer(spec.services[0]!.containerName).top();
    expect(running.Processes.length).toBeGreaterThan(10);
    expect(running.Processes.length).toBeLessThanOrEqual(64);
  });

  it("gives each container its service's stop grace, and a stop kills what outlasts it", async () => {
    const spec = stack(newRef(), "meta", "touch /tmp/ok; exec sleep infinity");
    await applyStack(docker, spec, { pollMs: 200 });
    const c = docker.getContainer(spec.services[0]!.containerName);
    expect(((await c.inspect()).Config as { StopTimeout?: number }).StopTimeout).toBe(2);
    expect(await stopStack(docker, spec.ref, installationId)).toBe(1);
    // `sleep` as PID 1 ignores SIGTERM: the engine killed it when its 2 s were up.
    expect((await c.inspect()).State).toMatchObject({ Running: false, ExitCode: 137 });
  });

  it("fails with the health check's output when the service stays unhealthy past the grace period", async () => {
    const spec = stack(newRef(), "rest", "exec sleep infinity");
    const started = Date.now();
    const err = await applyStack(docker, spec, { unhealthyGraceMs: 3_000, pollMs: 200 }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ServiceUnhealthyError);
    expect((err as Error).message).toContain("rest");
    expect((err as Error).message).toContain("checking");
    // Gave it the grace period, not much more (first unhealthy after ~1-2 s).
    expect(Date.now() - started).toBeGreaterThanOrEqual(3_000);
  });
});
