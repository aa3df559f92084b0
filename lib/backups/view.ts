// A backup as its owner sees it on the project page (time, size, status, restorable).
import type { BackupKindWord } from "@/lib/domain";
import { restorableInto } from "@/lib/backups/requests";

export interface BackupView {
  id: string;
  kind: BackupKindWord;
  status: "RUNNING" | "SUCCEEDED" | "FAILED";
  startedAt: string;
  finishedAt: string | null;
  sizeBytes: number | null;
  durationMs: number | null;
  stackVersion: string;
  method: string | null;
  checksum: string | null;
  error: string | null;
  /** Finished, and of the template the project runs (the only one it restores into). */
  restorable: boolean;
}

export type BackupRow = {
  id: string;
  kind: BackupKindWord;
  status: "RUNNING" | "SUCCEEDED" | "FAILED";
  startedAt: Date;
  finishedAt: Date | null;
  sizeBytes: bigint | null;
  durationMs: number | null;
  stackVersion: string;
  dbImage: string;
  method: string | null;
  checksum: string | null;
  error: string | null;
};

/** `stackVersion`: the template the project runs now, the only one its backups restore into. */
export function backupView(r: BackupRow, stackVersion: string, imageOverrides: Record<string, string>): BackupView {
  return {
    id: r.id,
    kind: r.kind,
    status: r.status,
    startedAt: r.startedAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
    sizeBytes: r.sizeBytes === null ? null : Number(r.sizeBytes),
    durationMs: r.durationMs,
    stackVersion: r.stackVersion,
    method: r.method,
    checksum: r.checksum,
    error: r.error,
    restorable: r.status === "SUCCEEDED" && restorableInto(r, stackVersion, imageOverrides),
  };
}
