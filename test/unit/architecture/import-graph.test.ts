// The layering the README describes, checked on every static import (see
// import-graph.ts for what counts). From the ground up: words and rules
// (domain, errors, env, net, stack, crypto, validations), then the runtime
// adapters (docker, swarm), then the features (projects, backups, users,
// admin, api), then the face (app, components). An arrow may only point down.
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { circles, importGraph } from "./import-graph";

const REPO = fileURLToPath(new URL("../../..", import.meta.url));
const graph = importGraph(REPO);

const FEATURES = ["lib/projects/", "lib/backups/", "lib/users/", "lib/admin/", "lib/api/"];
const FACE = ["app/", "components/"];

const under = (prefixes: readonly string[]) => (file: string) => prefixes.some((p) => file.startsWith(p));
const isGround = (file: string): boolean =>
  ["lib/domain.ts", "lib/errors.ts"].includes(file) ||
  /^lib\/env[^/]*\.ts$/.test(file) ||
  under(["lib/net/", "lib/stack/", "lib/crypto/", "lib/validations/"])(file);

interface Rule {
  name: string;
  from: (file: string) => boolean;
  to: (file: string) => boolean;
}

const RULES: Rule[] = [
  {
    name: "ground (domain, errors, env, net, stack, crypto, validations) does not reach features or the face",
    from: isGround,
    to: under([...FEATURES, ...FACE]),
  },
  { name: "the runtime adapters (lib/docker, lib/swarm) do not reach features", from: under(["lib/docker/", "lib/swarm/"]), to: under(FEATURES) },
  { name: "lib/ does not reach the face (app, components)", from: under(["lib/"]), to: under(FACE) },
  {
    // Status, role, level, backup and port words come from lib/domain.ts; Prisma's copies of them stay in lib/db.
    name: "only lib/db reads Prisma's generated enums (the domain words are lib/domain.ts's)",
    from: (file) => !file.startsWith("lib/db/"),
    to: (target) => /^lib\/generated\/[^/]+\/enums(\.ts)?$/.test(target),
  },
  {
    // The engine is spoken only by its adapters (and the image puller, which streams pulls): features reach it through the port.
    name: "only lib/docker, lib/swarm and lib/images speak to the engine (dockerode)",
    from: (file) => !under(["lib/docker/", "lib/swarm/", "lib/images/"])(file),
    to: (target) => target === "npm:dockerode",
  },
];

describe("the import graph", () => {
  it("sees the tree (a parser that found nothing would pass everything)", () => {
    expect(graph.get("lib/env.ts")).toContain("lib/errors.ts");
    expect([...graph.keys()].filter((f) => f.startsWith("lib/")).length).toBeGreaterThan(100);
    expect([...graph.keys()].some((f) => f.startsWith("app/"))).toBe(true);
    expect([...graph.keys()].some((f) => f.startsWith("components/"))).toBe(true);
  });

  it("has no import circle among lib/ files", () => {
    const found = circles(graph, (f) => f.startsWith("lib/")).map((walk) => walk.join(" → "));
    expect(found, `import circles:\n${found.join("\n")}`).toEqual([]);
  });

  for (const rule of RULES) {
    it(`layers: ${rule.name}`, () => {
      const broken: string[] = [];
      for (const [from, targets] of graph) {
        if (!rule.from(from)) continue;
        for (const to of targets) if (rule.to(to)) broken.push(`${from} → ${to}`);
      }
      expect(broken, `imports against the layers:\n${broken.join("\n")}`).toEqual([]);
    });
  }
});
