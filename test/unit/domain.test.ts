// lib/domain.ts spells the domain words once for the app; the database schema
// spells them for Prisma. The two lists must be the same words.
import { describe, expect, it } from "vitest";
import { BACKUP_KINDS, BACKUP_STATUSES, PORT_PURPOSES, PROJECT_STATUSES, ROLES, STATUS, type EventLevel } from "@/lib/domain";
import { BackupKind, BackupStatus, EventLevel as PrismaEventLevel, PortPurpose, ProjectStatus, Role } from "@/lib/generated/prisma-sqlite/enums";

describe("the domain words", () => {
  it("are the database schema's enums, word for word", () => {
    const same = (ours: readonly string[], prisma: Record<string, string>) => expect([...ours].sort()).toEqual(Object.values(prisma).sort());
    same(PROJECT_STATUSES, ProjectStatus);
    same(ROLES, Role);
    same(BACKUP_KINDS, BackupKind);
    same(BACKUP_STATUSES, BackupStatus);
    same(PORT_PURPOSES, PortPurpose);
    const levels: Record<EventLevel, true> = { INFO: true, WARN: true, ERROR: true };
    same(Object.keys(levels), PrismaEventLevel);
  });

  it("name every status by itself", () => {
    expect(Object.entries(STATUS).every(([k, v]) => k === v)).toBe(true);
    expect(Object.keys(STATUS).sort()).toEqual([...PROJECT_STATUSES].sort());
  });
});
