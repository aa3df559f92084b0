// The backup space arithmetic (lib/backups/space.ts): a backup is refused
// when its owner's backups plus this one's estimate pass their space, or when
// it would leave a local backup disk below the installation's floor; the
// owner's space is checked first, and a bucket (no local disk) has no floor.
import { describe, expect, it } from "vitest";
import { backupRefusal, type BackupRoom } from "@/lib/backups/space";

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

function room(over: Partial<BackupRoom> = {}): BackupRoom {
  return { usedBytes: 3 * GiB, quotaBytes: 5 * GiB, estimateBytes: 1 * GiB, freeBytes: 100 * GiB, floorBytes: 2 * GiB, ...over };
}

describe("backup space", () => {
  it("takes a backup that fits exactly, and refuses one byte more", () => {
    expect(backupRefusal(room({ estimateBytes: 2 * GiB }), "MANUAL")).toBeNull();
    expect(backupRefusal(room({ estimateBytes: 2 * GiB + 1 }), "MANUAL")?.reason).toBe("space");
    expect(backupRefusal(room({ usedBytes: 0, quotaBytes: 0, estimateBytes: 0 }), "SCHEDULED")).toBeNull();
  });

  it("tells the owner what their backups use, their space and what this one needs", () => {
    expect(backupRefusal(room({ usedBytes: 4.5 * GiB }), "MANUAL")).toEqual({
      reason: "space",
      message:
        "The backup was not started: your backups use 4.5 GiB of your 5.0 GiB of backup space, and this one needs about 1.0 GiB. Delete old backups, or ask an administrator for more space.",
    });
    expect(backupRefusal(room({ usedBytes: 4.5 * GiB }), "FINAL")?.message).toMatch(/^The final backup \(taken before a delete\) was not started: /);
  });
});

describe("the backup disk's floor", () => {
  it("keeps the floor free after the backup: exactly the floor is fine, a byte under is not", () => {
    expect(backupRefusal(room({ freeBytes: 3 * GiB }), "MANUAL")).toBeNull();
    expect(backupRefusal(room({ freeBytes: 3 * GiB - 1 }), "MANUAL")).toEqual({
      reason: "disk",
      message: "The backup was not started: the backup disk is nearly full (3.0 GiB free). Try again later.",
    });
  });

  it("does not apply to a bucket, whose free space is the provider's", () => {
    expect(backupRefusal(room({ freeBytes: null, floorBytes: 1000 * GiB }), "MANUAL")).toBeNull();
  });

  it("comes second: an owner past their space hears about their space", () => {
    expect(backupRefusal(room({ usedBytes: 5 * GiB, freeBytes: 0 }), "SCHEDULED")?.reason).toBe("space");
  });
});
