// On a multi-node runtime a create that no node takes (every node drained or
// down) is refused before anything is made: no project row, no port lease,
// no stack. The fake engine stands in for the Swarm; the refusal is the
// runtime's own (chooseNode's CapacityExceededError).
import { expect, it } from "vitest";
import { CapacityExceededError } from "@/lib/errors";
import { chooseNode } from "@/lib/swarm/nodes";
import type { NodeView } from "@/lib/stack/runtime-port";
import { addUser, projectServiceFixture, tempFolder } from "@/test/support/project-service-fixture";

const tmp = tempFolder("placement");

it("refuses a create no node takes before making anything, and places one once a node takes projects again", async () => {
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
  const { db, engine, service } = await projectServiceFixture({
    dir: tmp,
    config: { portRange: { start: 42100, end: 42199 } },
    provisioner: (fake) => ({
      ...fake,
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
    }),
  });
  const owner = await addUser(db, "p@example.com", { projectQuota: 10 });

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
