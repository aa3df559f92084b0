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

/** The installation settings the admin form edits (the settings row: prisma/schema.prisma SystemSettings). */
export const settingsSchema = z.object({
  signupEnabled: z.boolean(),
  defaultProjectQuota: z.number().int().min(0, "Use 0 or more.").max(1000, "Use at most 1000."),
  /** New accounts wait for an admin's approval before they can log in. */
  signupRequiresApproval: z.boolean(),
  /** Accounts one client address may create per day. */
  signupsPerIpPerDay: z.number().int().min(1, "Use 1 or more (switch sign-up off to allow none).").max(10_000, "Use at most 10000."),
  /** Admission: running projects' memory may add up to this percent of the host's. */
  memoryCommitPercent: z.number().int().min(10, "Use at least 10 %.").max(1000, "Use at most 1000 %.").optional(),
  /** Admission: a create or resume needs this much free disk. */
  minFreeDiskMb: z.number().int().min(0).max(10_485_760).optional(),
  /** Projects idle this many minutes are paused (woken by their next request); 0 = never. */
  idleTimeoutMin: z.number().int().min(0, "Use 0 (never) or more minutes.").max(525_600, "Use at most a year.").optional(),
});
/** What the form sends (the admission fields may be left out: they keep their value). */
export type SettingsInput = z.input<typeof settingsSchema>;
/** The settings as stored and shown: every field present. */
export type SettingsValues = Required<z.output<typeof settingsSchema>>;

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
