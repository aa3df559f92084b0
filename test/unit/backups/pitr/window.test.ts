// Segment names, what each base backup reaches, the window, the choice of
// base backup for a target, and retention.
import { describe, expect, it } from "vitest";
import { parseSegment, pitrWindow, planRestore, reaches, segmentName, type BaseBackup, type ShippedSegment } from "@/lib/backups/pitr/window";

const t = (s: string) => new Date(`2026-12-07T${s}Z`);
const seg = (n: number, tl = 1) => segmentName({ timeline: tl, n: BigInt(n) });
const shipped = (n: number, at: string, tl = 1): ShippedSegment => ({ name: seg(n, tl), closedAt: t(at) });

describe("segment names", () => {
  it("round-trips and crosses a log boundary (256 segments of 16 MB per log)", () => {
    expect(seg(0xff)).toBe("0000000100000000000000FF");
    expect(seg(0x100)).toBe("000000010000000100000000");
    expect(parseSegment("000000020000000100000003")).toEqual({ timeline: 2, n: 0x103n });
  });

  it("refuses what is not a segment of the size", () => {
    expect(() => parseSegment("000000010000000000000100")).toThrow(/segment/);
    expect(() => parseSegment("00000001.history")).toThrow(/segment/);
  });
});

describe("reaches, window and plan", () => {
  const b1: BaseBackup = { id: "b1", consistentAt: t("10:00:00"), startSegment: seg(1) };
  const b2: BaseBackup = { id: "b2", consistentAt: t("12:00:00"), startSegment: seg(5) };
  const all = [shipped(1, "10:00:30"), shipped(2, "10:30:00"), shipped(3, "11:00:00"), shipped(5, "12:01:00"), shipped(6, "12:30:00")];

  it("ends a base backup's reach at the first missing segment (a gap)", () => {
    const r = reaches([b1, b2], all);
    expect(r.map((x) => [x.backup.id, x.to.toISOString(), x.segments.length])).toEqual([
      ["b1", t("11:00:00").toISOString(), 3],
      ["b2", t("12:30:00").toISOString(), 2],
    ]);
    expect(pitrWindow(r).ranges).toEqual([
      { from: t("10:00:00"), to: t("11:00:00") },
      { from: t("12:00:00"), to: t("12:30:00") },
    ]);
  });

  it("picks the newest base backup holding the target, else the nearest restorable instant", () => {
    const r = reaches([b1, b2], all);
    const exact = planRestore(r, t("12:10:00"));
    expect(exact.kind === "exact" && exact.reach.backup.id).toBe("b2");
    const inGap = planRestore(r, t("11:20:00"));
    expect(inGap).toMatchObject({ kind: "nearest", target: t("11:00:00") });
    expect(planRestore([], t("11:20:00")).kind).toBe("none");
  });

  it("merges overlapping reaches into one range", () => {
    const r = reaches([b1, { id: "b3", consistentAt: t("10:40:00"), startSegment: seg(2) }], all);
    expect(pitrWindow(r).ranges).toEqual([{ from: t("10:00:00"), to: t("11:00:00") }]);
  });
});
