// Which backups restore into a project (a physical copy starts only under the
// Postgres it was taken with), and a backup as its owner sees it.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { restorableInto } from "@/lib/backups/requests";
import { backupView, type BackupRow } from "@/lib/backups/view";
import { LATEST_STACK_VERSION, TEMPLATE_VERSIONS, templateImage } from "@/lib/stack/template";

const none: Record<string, string> = {};

function row(over: Partial<BackupRow> = {}): BackupRow {
  return {
    id: randomUUID(),
    kind: "MANUAL",
    status: "SUCCEEDED",
    startedAt: new Date("2026-12-07T05:00:00.000Z"),
    finishedAt: new Date("2026-12-07T05:00:42.000Z"),
    sizeBytes: 5n * 1024n * 1024n,
    durationMs: 42_000,
    stackVersion: LATEST_STACK_VERSION,
    dbImage: templateImage(LATEST_STACK_VERSION, "db", none),
    method: "pg_basebackup",
    checksum: "ab".repeat(32),
    error: null,
    ...over,
  };
}

describe("restorableInto", () => {
  it.each([...TEMPLATE_VERSIONS])("takes a backup of template %s only into that template with its db image", (version) => {
    const backup = { stackVersion: version, dbImage: templateImage(version, "db", none) };
    expect(restorableInto(backup, version, none)).toBe(true);
    for (const other of TEMPLATE_VERSIONS.filter((v) => v !== version)) expect(restorableInto(backup, other, none), other).toBe(false);
  });

  it("refuses one whose db image the installation no longer runs for that template", () => {
    const backup = { stackVersion: LATEST_STACK_VERSION, dbImage: templateImage(LATEST_STACK_VERSION, "db", none) };
    expect(restorableInto(backup, LATEST_STACK_VERSION, { db: "local/postgres:17" })).toBe(false);
    // An override the backup was taken under still matches it.
    const overridden = { stackVersion: LATEST_STACK_VERSION, dbImage: "local/postgres:17" };
    expect(restorableInto(overridden, LATEST_STACK_VERSION, { db: "local/postgres:17" })).toBe(true);
    expect(restorableInto(overridden, LATEST_STACK_VERSION, { [`db@${LATEST_STACK_VERSION}`]: "local/postgres:17" })).toBe(true);
  });

  it("refuses a template this installation does not have, whatever the names say", () => {
    expect(restorableInto({ stackVersion: "1999.01-r1", dbImage: "supabase/postgres:15" }, "1999.01-r1", { db: "supabase/postgres:15" })).toBe(false);
  });
});

describe("backupView", () => {
  it("shows times as ISO strings and the size as a number", () => {
    const r = row();
    expect(backupView(r, LATEST_STACK_VERSION, none)).toEqual({
      id: r.id,
      kind: "MANUAL",
      status: "SUCCEEDED",
      startedAt: "2026-12-07T05:00:00.000Z",
      finishedAt: "2026-12-07T05:00:42.000Z",
      sizeBytes: 5 * 1024 * 1024,
      durationMs: 42_000,
      stackVersion: LATEST_STACK_VERSION,
      method: "pg_basebackup",
      checksum: "ab".repeat(32),
      error: null,
      restorable: true,
    });
  });

  it("offers only a finished backup of the template the project runs", () => {
    expect(backupView(row({ status: "RUNNING", finishedAt: null, sizeBytes: null }), LATEST_STACK_VERSION, none)).toMatchObject({
      restorable: false,
      finishedAt: null,
      sizeBytes: null,
    });
    expect(backupView(row({ status: "FAILED", error: "disk full" }), LATEST_STACK_VERSION, none)).toMatchObject({ restorable: false, error: "disk full" });
    expect(backupView(row(), TEMPLATE_VERSIONS[0], none).restorable).toBe(false); // the project runs an older template than the backup
    expect(backupView(row(), LATEST_STACK_VERSION, { db: "local/postgres:17" }).restorable).toBe(false);
  });

  it("keeps sizes past 2^32 exact", () => {
    expect(backupView(row({ sizeBytes: 6n * 1024n ** 3n }), LATEST_STACK_VERSION, none).sizeBytes).toBe(6 * 1024 ** 3);
  });
});
