// What the project page offers each role, spelled out here (not read from the
// matrix under test): a change to lib/orgs/permissions.ts that moves a button
// must change this table too.
import { describe, expect, it } from "vitest";
import { ORG_ROLES } from "@/lib/domain";
import { projectCapabilities, roleReason } from "@/lib/orgs/capabilities";

const EXPECTED = {
  OWNER: { run: true, secrets: true, content: true, settings: true, delete: true, members: true },
  ADMINISTRATOR: { run: true, secrets: true, content: true, settings: true, delete: true, members: true },
  DEVELOPER: { run: true, secrets: true, content: true, settings: false, delete: false, members: false },
  READ_ONLY: { run: false, secrets: false, content: false, settings: false, delete: false, members: false },
} as const;

describe("the project page's capabilities", () => {
  for (const role of ORG_ROLES) {
    it(`for ${role} follow the role matrix`, () => {
      expect(projectCapabilities(role)).toEqual({ role, ...EXPECTED[role] });
    });
  }

  it("name the role in the reason a control is missing", () => {
    expect(roleReason("READ_ONLY", "revealing keys")).toBe("Your role in this project's organization (Read-only) does not allow revealing keys.");
  });
});
