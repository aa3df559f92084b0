// On a multi-node runtime a create that no node takes (every node drained or
// down) is refused before anything is made: no project row, no port lease,
// no stack. The fake engine stands in for the Swarm; the refusal is the
// runtime's own (chooseNode's CapacityExceededError).
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { createDb } from "@/lib/db/client";
import { migrate } from "@/lib/db/migrate";
import { CapacityExceededError } from "@/lib/errors";
import { ensureInstallationId } from "@/lib/installation/service";
import { ProjectService } from "@/lib/projects/service";
import { chooseNode } from "@/lib/swarm/nodes";
import type { NodeView } from "@/lib/stack/runtime-port";
import { FakeEngine } from "@/test/support/fake-provisioner";

const tmp = mkdtempSync(join(tmpdir(), "supafleet-placement-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

it("refuses a create no node takes before making anything, and places one once a node takes projects again", async () => {
  const url = `file:${join(tmp, "placement.sqlite")}`;
  await migrate(url);
  const db = createDb(url);
  const installationId = await ensureInstallationId(db);
  const engine = new FakeEngine();
  const node: NodeView = {
    id: "node-1",
    hostname: "host",
    address: "10.0.0.1",
    role: "manager",
    state: "ready",
    availability: "active",
    drained: true,
    local: true,
    memoryBytes: 64 * 2 ** 30,
    nanoCpus: 2e9,
    committedMemoryBytes: 0,
    projects: [],
  };
  const places: number[] = [];
  const provisioner = {
    ...engine.provisioner(installationId),
    placement: {
      place: async ({ memoryBytes }: { ref: string; memoryBytes: number }) => {
        places.push(memoryBytes);
        const n = chooseNode([node], memoryBytes);
        return { nodeId: n.id, address: null };
      },
      checkOpen: async () => {
        places.push(0);
        chooseNode([node], 0);
      },
      nodes: async () => [node],
      setNodeDrained: async (_nodeId: string, drained: boolean) => {
        node.drained = drained;
      },
    },
  };
  const service = new ProjectService(
    db,
    provisioner,
    { apply: async () => undefined },
    {
      portRange: { start: 42100, end: 42199 },
      masterKey: randomBytes(32),
      rootDomain: "supafleet.test",
      publicScheme: "http",
      imageOverrides: {},
    },
  );
  const u = await db.user.create({ data: { id: randomUUID(), email: "p@example.com", passwordHash: "x", projectQuota: 10 } });
  const owner = { id: u.id, email: u.email, name: null, role: "USER" as const };

  const refused = service.createProject(owner, { name: "Drained" });
  await expect(refused).rejects.toBeInstanceOf(CapacityExceededError);
  await expect(refused).rejects.toThrow(/No Swarm node takes new projects/);
  expect(await db.project.count()).toBe(0);
  expect(await db.portLease.count()).toBe(0);
  expect(engine.stacks.size).toBe(0);

  node.drained = false;
  const { ref } = await service.createProject(owner, { name: "Placed" });
  await service.waitForIdle(ref);
  expect((await db.project.findFirstOrThrow({ where: { ref } })).nodeId).toBe("node-1");
  // The start placed it with its real budget, after the create's check with none.
  expect(places.at(-1)).toBeGreaterThan(0);
  await db.$disconnect();
});
