import { z } from "zod";
import { ROLES } from "@/lib/domain";

export const userIdSchema = z.string().uuid("Not a valid user id.");

export const setQuotaSchema = z.object({
  userId: userIdSchema,
  // null = back to the default quota
  projectQuota: z.number().int().min(0, "Use 0 or more.").max(1000, "Use at most 1000.").nullable(),
});

export const setRoleSchema = z.object({ userId: userIdSchema, role: z.enum(ROLES) });
export const setDisabledSchema = z.object({ userId: userIdSchema, disabled: z.boolean() });

export const settingsSchema = z.object({
  signupEnabled: z.boolean(),
  defaultProjectQuota: z.number().int().min(0, "Use 0 or more.").max(1000, "Use at most 1000."),
  signupRequiresApproval: z.boolean(),
  signupsPerIpPerDay: z.number().int().min(1, "Use 1 or more (switch sign-up off to allow none).").max(10_000, "Use at most 10000."),
  memoryCommitPercent: z.number().int().min(10, "Use at least 10 %.").max(1000, "Use at most 1000 %.").optional(),
  minFreeDiskMb: z.number().int().min(0).max(10_485_760).optional(),
  idleTimeoutMin: z.number().int().min(0, "Use 0 (never) or more minutes.").max(525_600, "Use at most a year.").optional(),
});

/** What the admin's settings form sends (the optional fields keep their stored value when absent). */
export type SettingsInput = z.input<typeof settingsSchema>;

export const approveSchema = z.object({ userId: userIdSchema });

export const userSearchSchema = z.object({
  query: z.string().trim().max(100).optional(),
  page: z.number().int().min(1).max(10_000).default(1),
});

export const planSchema = z.object({
  id: z.string().uuid().optional(),
  name: z
    .string()
    .trim()
    .min(1, "Give it a name.")
    .max(40, "Use at most 40 characters.")
    .regex(/^[\p{L}\p{N} ._-]+$/u, "Use letters, digits, spaces and . _ - only."),
  memoryMb: z.number().int().min(512, "Use at least 512 MiB: below that the services cannot start.").max(1_048_576, "Use at most 1 TiB."),
  cpus: z.number().min(0.25, "Use at least 0.25.").max(256, "Use at most 256."),
  /** Database disk quota per project (MiB); null: the installation's default. */
  dbDiskMb: z.number().int().min(100, "Use at least 100 MiB: a new database takes about 40.").max(16_777_216, "Use at most 16 TiB.").nullable().default(null),
  /** Largest Storage upload (MiB); null: upstream's 50 MiB. */
  fileSizeLimitMb: z.number().int().min(1, "Use at least 1 MiB.").max(1_048_576, "Use at most 1 TiB.").nullable().default(null),
  /** Space a user's backups may take in all (MiB); null: the installation's default. */
  backupQuotaMb: z.number().int().min(100, "Use at least 100 MiB.").max(1_073_741_824, "Use at most 1 PiB.").nullable().default(null),
  makeDefault: z.boolean().default(false),
});

export const deletePlanSchema = z.object({ id: z.string().uuid() });

export const setUserPlanSchema = z.object({ userId: userIdSchema, planId: z.string().uuid().nullable() });
