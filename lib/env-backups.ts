// The backup settings of the environment (lib/backups), parsed with the rest
// by lib/env.ts: a local folder (default <data dir>/backups), or an
// S3-compatible bucket. Each error names its variable, as lib/env.ts's do.
import { isAbsolute, resolve } from "node:path";
import { z } from "zod";
import { bool } from "@/lib/env-common";

export const backupEnvShape = {
  SUPAFLEET_BACKUP_DIR: z
    .string()
    .refine((v) => isAbsolute(v), { message: "must be an absolute path" })
    .optional(),
  SUPAFLEET_BACKUP_S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "must be an S3 bucket name")
    .optional(),
  SUPAFLEET_BACKUP_S3_ENDPOINT: z.url().optional(),
  SUPAFLEET_BACKUP_S3_REGION: z
    .string()
    .regex(/^[a-z0-9-]{1,32}$/, "must look like us-east-1")
    .default("us-east-1"),
  SUPAFLEET_BACKUP_S3_PREFIX: z
    .string()
    .regex(/^([A-Za-z0-9._-]+\/)*$/, "must be empty or end with / (e.g. supafleet/)")
    .default(""),
  SUPAFLEET_BACKUP_S3_FORCE_PATH_STYLE: bool(true),
  SUPAFLEET_BACKUP_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  SUPAFLEET_BACKUP_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  SUPAFLEET_BACKUP_SCHEDULE: bool(true),
  // Point-in-time recovery (lib/stack/wal-archive.ts, lib/backups/pitr): continuous WAL archiving per project.
  SUPAFLEET_PITR: bool(false),
  SUPAFLEET_PITR_ARCHIVE_TIMEOUT: z.coerce.number().int().min(1).max(3600).default(60),
  SUPAFLEET_PITR_ARCHIVE_MAX_SEGMENTS: z.coerce.number().int().min(4).max(100_000).default(64),
};

type Parsed = z.infer<z.ZodObject<typeof backupEnvShape>>;

export interface BackupEnv {
  /** Local folder (used when no bucket is set). */
  dir: string;
  s3:
    | {
        bucket: string;
        endpoint: string | undefined;
        region: string;
        prefix: string;
        forcePathStyle: boolean;
        accessKeyId: string | undefined;
        secretAccessKey: string | undefined;
      }
    | undefined;
  /** Daily scheduled backups on. */
  schedule: boolean;
  /** Continuous WAL archiving (point-in-time recovery); undefined: off. */
  walArchive: { archiveTimeoutSeconds: number; maxPendingSegments: number } | undefined;
}

/** Rules across variables; called from lib/env.ts's superRefine. */
export function checkBackupEnv(e: Parsed, ctx: z.RefinementCtx): void {
  // One key without the other would fall back to the SDK's default credentials without saying so.
  if ((e.SUPAFLEET_BACKUP_S3_ACCESS_KEY_ID === undefined) !== (e.SUPAFLEET_BACKUP_S3_SECRET_ACCESS_KEY === undefined)) {
    ctx.addIssue({
      code: "custom",
      path: ["SUPAFLEET_BACKUP_S3_SECRET_ACCESS_KEY"],
      message: "SUPAFLEET_BACKUP_S3_ACCESS_KEY_ID and SUPAFLEET_BACKUP_S3_SECRET_ACCESS_KEY must be set together",
    });
  }
}

export function backupEnvOf(e: Parsed, dataDir: string): BackupEnv {
  return {
    dir: e.SUPAFLEET_BACKUP_DIR ?? resolve(dataDir, "backups"),
    s3: e.SUPAFLEET_BACKUP_S3_BUCKET
      ? {
          bucket: e.SUPAFLEET_BACKUP_S3_BUCKET,
          endpoint: e.SUPAFLEET_BACKUP_S3_ENDPOINT,
          region: e.SUPAFLEET_BACKUP_S3_REGION,
          prefix: e.SUPAFLEET_BACKUP_S3_PREFIX,
          forcePathStyle: e.SUPAFLEET_BACKUP_S3_FORCE_PATH_STYLE,
          accessKeyId: e.SUPAFLEET_BACKUP_S3_ACCESS_KEY_ID,
          secretAccessKey: e.SUPAFLEET_BACKUP_S3_SECRET_ACCESS_KEY,
        }
      : undefined,
    schedule: e.SUPAFLEET_BACKUP_SCHEDULE,
    walArchive: e.SUPAFLEET_PITR
      ? { archiveTimeoutSeconds: e.SUPAFLEET_PITR_ARCHIVE_TIMEOUT, maxPendingSegments: e.SUPAFLEET_PITR_ARCHIVE_MAX_SEGMENTS }
      : undefined,
  };
}
