// When a project is due for its scheduled backup (lib/backups/schedule.ts
// isDue): a day after its last good scheduled backup, and never within an
// hour of the last attempt, so a failing backup is retried hourly, not on
// every pass of the scheduler.
import { describe, expect, it } from "vitest";
import { isDue, RETRY_AFTER_MS } from "@/lib/backups/schedule";

const now = new Date("2026-12-07T06:00:00.000Z");
const ago = (ms: number) => new Date(now.getTime() - ms);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe("the backup schedule", () => {
  it("backs up a project that never had a scheduled backup", () => {
    expect(isDue({ lastGoodAt: null, lastTryAt: null }, now)).toBe(true);
  });

  it("waits a full day after a good backup", () => {
    expect(isDue({ lastGoodAt: ago(DAY - 1), lastTryAt: ago(DAY - 1) }, now)).toBe(false);
    expect(isDue({ lastGoodAt: ago(DAY), lastTryAt: ago(DAY) }, now)).toBe(true);
  });

  it("retries a failed attempt after an hour, not sooner", () => {
    expect(RETRY_AFTER_MS).toBe(HOUR);
    expect(isDue({ lastGoodAt: ago(2 * DAY), lastTryAt: ago(HOUR - 1) }, now)).toBe(false);
    expect(isDue({ lastGoodAt: ago(2 * DAY), lastTryAt: ago(HOUR) }, now)).toBe(true);
    expect(isDue({ lastGoodAt: null, lastTryAt: ago(10 * 60_000) }, now)).toBe(false);
  });

  it("does not take a recent good backup as a failure to retry", () => {
    expect(isDue({ lastGoodAt: ago(2 * HOUR), lastTryAt: ago(2 * HOUR) }, now)).toBe(false);
  });
});
