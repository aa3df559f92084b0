// A clone's new secrets (lib/backups/rotate.ts): the clone's database runs the
// template's own secret-bearing init scripts again, which must exist and
// only ALTER, for every template version a project may run.
import { describe, expect, it } from "vitest";
import { generateProjectSecrets } from "@/lib/stack/secrets";
import { rotationScript, secretScripts } from "@/lib/backups/rotate";
import { TEMPLATE_VERSIONS } from "@/lib/stack/template";
import { sampleSpec } from "@/test/support/sample-spec";

const ref = "abcdefghijklmnopqrst";

describe.each([...TEMPLATE_VERSIONS])("template %s", (stackVersion) => {
  const spec = () => sampleSpec(ref, stackVersion);

  describe("a clone's new secrets", () => {
    it("re-runs the template's roles and JWT init scripts, which only ALTER", async () => {
      const s = await spec();
      const paths = secretScripts(s);
      expect(paths).toHaveLength(2);
      const db = s.services.find((x) => x.service === "db")!;
      for (const p of paths) {
        const body = db.files.find((f) => f.path === p)!.content;
        const statements = body.split("\n").filter((l) => l.trim() && !l.startsWith("--") && !l.startsWith("\\set"));
        for (const st of statements) expect(st, p).toMatch(/^ALTER (USER|ROLE|DATABASE) /);
      }
      const secrets = await generateProjectSecrets();
      const script = rotationScript(s, secrets);
      expect(script).toContain(`ALTER ROLE supabase_admin WITH PASSWORD '${secrets.postgresPassword}'`);
      for (const p of paths) expect(script).toContain(`\\i ${p}`);
      expect(() => rotationScript(s, { ...secrets, postgresPassword: "x'; drop table y; --" })).toThrow();
    });
  });
});
