import { describe, expect, it } from "vitest";
import { projectsThatFit } from "@/lib/admin/service";
import { PORT_PURPOSES } from "@/lib/stack/types";

describe("projectsThatFit", () => {
  it("counts the projects the unleased ports hold, a port per purpose each", () => {
    expect(PORT_PURPOSES.length).toBe(3);
    expect(projectsThatFit({ leased: 0, rangeSize: 1000 })).toBe(333);
    expect(projectsThatFit({ leased: 3, rangeSize: 9 })).toBe(2);
  });

  it("rounds down: two spare ports hold no project", () => {
    expect(projectsThatFit({ leased: 7, rangeSize: 9 })).toBe(0);
    expect(projectsThatFit({ leased: 4, rangeSize: 9 })).toBe(1);
  });

  it("is never negative when the leases outnumber a shrunk range", () => {
    expect(projectsThatFit({ leased: 12, rangeSize: 9 })).toBe(0);
  });
});
