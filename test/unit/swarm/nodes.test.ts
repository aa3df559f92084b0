import { describe, expect, it } from "vitest";
import { CapacityExceededError } from "@/lib/errors";
import { LABELS } from "@/lib/stack/types";
import { chooseNode, DRAIN_LABEL, nodeViews } from "@/lib/swarm/nodes";
import { serviceStateOf } from "@/lib/swarm/tasks";
import type { SwarmNodeInfo, SwarmServiceInfo } from "@/lib/swarm/api-types";

const GiB = 2 ** 30;
const INST = "0123456789abcdef";

function node(id: string, memGiB: number, extra: Partial<SwarmNodeInfo> = {}): SwarmNodeInfo {
  return {
    ID: id,
    Spec: { Availability: "active", Role: "worker", Labels: {} },
    Description: { Hostname: `host-${id}`, Resources: { MemoryBytes: memGiB * GiB, NanoCPUs: 2e9 } },
    Status: { State: "ready", Addr: `10.0.0.${id.length}` },
    ...extra,
  };
}

function service(
  ref: string,
  nodeId: string,
  memGiB: number,
  opts: { ours?: boolean; reservation?: number; replicas?: number; installation?: string } = {},
): SwarmServiceInfo {
  const ours = opts.ours ?? true;
  return {
    ID: `${ref}-${nodeId}`,
    Version: { Index: 1 },
    Spec: {
      Name: `supafleet-${ref}-db`,
      Labels: ours ? { [LABELS.managed]: "true", [LABELS.ref]: ref, [LABELS.installation]: opts.installation ?? INST, [LABELS.service]: "db" } : {},
      Mode: { Replicated: { Replicas: opts.replicas ?? 1 } },
      TaskTemplate: {
        ContainerSpec: { Image: "x", HealthCheck: { Test: ["CMD", "true"] } },
        Placement: { Constraints: [`node.id==${nodeId}`] },
        Resources: { Limits: { MemoryBytes: memGiB * GiB }, Reservations: { MemoryBytes: (opts.reservation ?? 0) * GiB } },
      },
    },
  };
}

describe("nodeViews and chooseNode", () => {
  it("counts our services' limits (paused too) and others' reservations as committed, and lists only this installation's projects", () => {
    const views = nodeViews(
      [node("a", 8), node("bb", 8)],
      [
        service("aaaaaaaaaaaaaaaaaaaa", "a", 2),
        service("bbbbbbbbbbbbbbbbbbbb", "a", 1, { replicas: 0 }),
        service("cccccccccccccccccccc", "bb", 1, { installation: "ffffffffffffffff" }),
        service("other", "bb", 5, { ours: false, reservation: 3 }),
      ],
      INST,
      "a",
    );
    const a = views.find((v) => v.id === "a")!;
    const b = views.find((v) => v.id === "bb")!;
    expect(a.committedMemoryBytes).toBe(3 * GiB);
    expect(a.projects).toEqual(["aaaaaaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbbbbbb"]);
    expect(a.local).toBe(true);
    expect(b.committedMemoryBytes).toBe(4 * GiB);
    expect(b.projects).toEqual([]);
  });

  it("takes the node with the most free memory, then the one with fewer projects", () => {
    const views = nodeViews([node("a", 8), node("bb", 16)], [service("aaaaaaaaaaaaaaaaaaaa", "bb", 4)], INST, "a");
    expect(chooseNode(views, GiB).id).toBe("bb");
    const tie = nodeViews([node("a", 8), node("bb", 10)], [service("aaaaaaaaaaaaaaaaaaaa", "bb", 1), service("bbbbbbbbbbbbbbbbbbbb", "bb", 1)], INST, "a");
    expect(chooseNode(tie, GiB).id).toBe("a");
  });

  it("skips nodes that are down, paused or drained, and says so when none is left or none has room", () => {
    const views = nodeViews(
      [
        node("a", 64, { Status: { State: "down", Addr: "x" } }),
        node("bb", 64, { Spec: { Availability: "pause" } }),
        node("ccc", 64, { Spec: { Availability: "active", Labels: { [DRAIN_LABEL]: "true" } } }),
        node("dddd", 2),
      ],
      [],
      INST,
      "a",
    );
    expect(chooseNode(views, GiB).id).toBe("dddd");
    expect(() => chooseNode(views, 4 * GiB)).toThrow(CapacityExceededError);
    expect(() =>
      chooseNode(
        views.filter((v) => v.id !== "dddd"),
        GiB,
      ),
    ).toThrow(/No Swarm node takes new projects/);
  });
});

describe("serviceStateOf", () => {
  const ready = new Map([["a", "ready"]]);
  it("a running task with a health check is healthy (Swarm reports running only after the check passed)", () => {
    const s = serviceStateOf(
      service("aaaaaaaaaaaaaaaaaaaa", "a", 1),
      [{ ID: "t1", NodeID: "a", DesiredState: "running", Status: { State: "running", Timestamp: "2026-12-01T00:00:00Z" } }],
      ready,
    );
    expect(s).toMatchObject({ service: "db", state: "running", health: "healthy", startedAt: "2026-12-01T00:00:00Z" });
  });
  it("a task still starting is not running; a paused service (0 replicas) is exited", () => {
    expect(
      serviceStateOf(service("aaaaaaaaaaaaaaaaaaaa", "a", 1), [{ ID: "t1", NodeID: "a", DesiredState: "running", Status: { State: "starting" } }], ready),
    ).toMatchObject({ state: "created", health: "starting" });
    expect(serviceStateOf(service("aaaaaaaaaaaaaaaaaaaa", "a", 1, { replicas: 0 }), [], ready)).toMatchObject({ state: "exited" });
  });
  it("a task on a node that is down is unknown, whatever it last reported", () => {
    const s = serviceStateOf(
      service("aaaaaaaaaaaaaaaaaaaa", "a", 1),
      [{ ID: "t1", NodeID: "a", DesiredState: "running", Status: { State: "running" } }],
      new Map([["a", "down"]]),
    );
    expect(s.state).toBe("unknown");
    expect(s.health).toBe("none");
    // Swarm's replacement task waits unassigned for the node: still unknown, not "starting".
    expect(
      serviceStateOf(service("aaaaaaaaaaaaaaaaaaaa", "a", 1), [{ ID: "t2", DesiredState: "running", Status: { State: "pending" } }], new Map([["a", "down"]]))
        .state,
    ).toBe("unknown");
  });
});
