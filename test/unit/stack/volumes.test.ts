// Data generations (lib/stack/volumes.ts) rewrite a stack's volumes and
// mounts (and nothing else). The clone's secret rotation: test/unit/backups/rotate.test.ts.
import { describe, expect, it } from "vitest";
import { LABELS } from "@/lib/stack/types";
import { dataVolumeName, dataVolumes, GENERATION_LABEL, generationOf, onlyServices, withGeneration } from "@/lib/stack/volumes";
import { checkStackAgainstContracts } from "@/lib/stack/check-contracts";
import { TEMPLATE_VERSIONS } from "@/lib/stack/template";
import { sampleSpec } from "@/test/support/sample-spec";

const ref = "abcdefghijklmnopqrst";

// Every template version a project may run: backups and restores work on each.
describe.each([...TEMPLATE_VERSIONS])("template %s", (stackVersion) => {
  const spec = () => sampleSpec(ref, stackVersion);

  describe("data generations", () => {
    it("generation 0 is the template's own names", async () => {
      const s = await spec();
      expect(withGeneration(s, 0)).toBe(s);
      expect(dataVolumeName(ref, "db-data", 0)).toBe(`supafleet-${ref}-db-data`);
    });

    it("moves every data volume and its mounts, never the metadata volume", async () => {
      const s = await spec();
      const g = withGeneration(s, 3);
      for (const v of g.volumes) {
        const key = v.labels[LABELS.volume]!;
        if (key === "metadata") {
          expect(v.name).toBe(`supafleet-${ref}-metadata`);
          expect(generationOf(v.labels)).toBe(0);
        } else {
          expect(v.name).toBe(`supafleet-${ref}-g3-${key}`);
          expect(v.labels[GENERATION_LABEL]).toBe("3");
        }
      }
      const names = new Set(g.volumes.map((v) => v.name));
      for (const svc of g.services) for (const m of svc.mounts) if (m.type === "volume") expect(names.has(m.source), `${svc.service} ${m.source}`).toBe(true);
      const db = g.services.find((x) => x.service === "db")!;
      expect(db.mounts.find((m) => m.target === "/var/lib/postgresql/data")?.source).toBe(`supafleet-${ref}-g3-db-data`);
      // nothing else changes, and the stack still meets the image contracts
      expect(g.services.map((x) => x.env)).toEqual(s.services.map((x) => x.env));
      expect(checkStackAgainstContracts(g)).toEqual(checkStackAgainstContracts(s));
      expect(
        dataVolumes(g)
          .map((v) => v.key)
          .sort(),
      ).toEqual(
        dataVolumes(s)
          .map((v) => v.key)
          .sort(),
      );
      expect(() => withGeneration(s, -1)).toThrow();
    });

    it("starts the database alone without its dependencies", async () => {
      const only = onlyServices(await spec(), ["db"]);
      expect(only.services.map((x) => x.service)).toEqual(["db"]);
      expect(only.services[0]!.dependsOn).toEqual([]);
    });
  });
});
