// What the backup service accepts from a form or an API body
// (lib/backups/service.ts parses every input with these): refs and backup ids
// only in their own shapes, a restore only with the ref typed again, and
// settings within their bounds with a message that says which.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  backupInput,
  backupSettingsSchema,
  cloneBackupSchema,
  planRetentionSchema,
  restoreBackupSchema,
  undeleteProjectSchema,
} from "@/lib/validations/backup";

const ref = "abcdefghijklmnopqrst";
const backupId = randomUUID();

function issues(r: { success: boolean; error?: { issues: Array<{ path: PropertyKey[]; message: string }> } }): string[] {
  return (r.error?.issues ?? []).map((i) => `${i.path.join(".")}: ${i.message}`);
}

describe("backup requests", () => {
  it("take a ref and a backup id, and nothing shaped otherwise", () => {
    expect(backupInput.parse({ ref, backupId })).toEqual({ ref, backupId });
    expect(issues(backupInput.safeParse({ ref: "../etc", backupId }))).toEqual(["ref: Not a valid project ref."]);
    expect(issues(backupInput.safeParse({ ref, backupId: "1; drop table backup" }))).toEqual(["backupId: Not a valid backup id."]);
  });

  it("restore only when the ref is typed again exactly", () => {
    expect(restoreBackupSchema.parse({ ref, backupId, confirmRef: ref })).toEqual({ ref, backupId, confirmRef: ref });
    expect(issues(restoreBackupSchema.safeParse({ ref, backupId, confirmRef: ref.toUpperCase() }))).toEqual([
      "confirmRef: Type the project ref exactly to confirm that its data will be replaced.",
    ]);
    expect(restoreBackupSchema.safeParse({ ref, backupId }).success).toBe(false);
  });

  it("clone under a project name as a create takes it", () => {
    expect(cloneBackupSchema.parse({ ref, backupId, name: "  Copy  " }).name).toBe("Copy");
    expect(cloneBackupSchema.safeParse({ ref, backupId, name: "x" }).success).toBe(false);
  });

  it("undelete from a named backup or, without one, the final backup", () => {
    expect(undeleteProjectSchema.parse({ ref })).toEqual({ ref });
    expect(undeleteProjectSchema.parse({ ref, backupId })).toEqual({ ref, backupId });
    expect(undeleteProjectSchema.safeParse({ ref, backupId: "latest" }).success).toBe(false);
  });
});

describe("backup settings", () => {
  it("take form strings as numbers within their bounds", () => {
    expect(backupSettingsSchema.parse({ backupRetentionDays: "7", softDeleteDays: "0" })).toEqual({ backupRetentionDays: 7, softDeleteDays: 0 });
    expect(backupSettingsSchema.parse({ backupRetentionDays: 3650, softDeleteDays: 365 })).toEqual({ backupRetentionDays: 3650, softDeleteDays: 365 });
  });

  it("say which bound a value is past", () => {
    expect(issues(backupSettingsSchema.safeParse({ backupRetentionDays: "0", softDeleteDays: "7" }))).toEqual(["backupRetentionDays: At least 1 day."]);
    expect(issues(backupSettingsSchema.safeParse({ backupRetentionDays: "3651", softDeleteDays: "7" }))).toEqual(["backupRetentionDays: At most 3650 days."]);
    expect(issues(backupSettingsSchema.safeParse({ backupRetentionDays: "7", softDeleteDays: "-1" }))).toEqual([
      "softDeleteDays: 0 (deletes are final) or more.",
    ]);
    expect(issues(backupSettingsSchema.safeParse({ backupRetentionDays: "7", softDeleteDays: "366" }))).toEqual(["softDeleteDays: At most 365 days."]);
    expect(backupSettingsSchema.safeParse({ backupRetentionDays: "1.5", softDeleteDays: "7" }).success).toBe(false);
  });

  it("let a plan keep backups its own number of days, or the installation's (null)", () => {
    expect(planRetentionSchema.parse({ planId: "p1", backupRetentionDays: "30" })).toEqual({ planId: "p1", backupRetentionDays: 30 });
    expect(planRetentionSchema.parse({ planId: "p1", backupRetentionDays: null })).toEqual({ planId: "p1", backupRetentionDays: null });
    expect(planRetentionSchema.safeParse({ planId: "", backupRetentionDays: 30 }).success).toBe(false);
    expect(planRetentionSchema.safeParse({ planId: "p1", backupRetentionDays: 0 }).success).toBe(false);
  });
});
