import { z } from "zod";
import { createProjectSchema, refSchema } from "@/lib/validations/project";

export const backupIdSchema = z.uuid("Not a valid backup id.");

export const projectRefInput = z.object({ ref: refSchema });

export const backupInput = z.object({ ref: refSchema, backupId: backupIdSchema });

/** Replacing a project's data: the ref typed again. */
export const restoreBackupSchema = z
  .object({ ref: refSchema, backupId: backupIdSchema, confirmRef: z.string().max(64) })
  .refine((v) => v.ref === v.confirmRef, {
    message: "Type the project ref exactly to confirm that its data will be replaced.",
    path: ["confirmRef"],
  });

/** A point-in-time restore: an instant (ISO 8601 with offset), confirmed by typing the ref. */
export const pitrRestoreSchema = z
  .object({ ref: refSchema, targetTime: z.iso.datetime({ offset: true }), confirmRef: z.string().max(64) })
  .refine((v) => v.ref === v.confirmRef, {
    message: "Type the project ref exactly to confirm that its data will be replaced.",
    path: ["confirmRef"],
  });

export const pitrPreviewSchema = z.object({ ref: refSchema, targetTime: z.iso.datetime({ offset: true }) });

export const cloneBackupSchema = z.object({ ref: refSchema, backupId: backupIdSchema, name: createProjectSchema.shape.name });

export const undeleteProjectSchema = z.object({ ref: refSchema, backupId: backupIdSchema.optional() });

export const backupSettingsSchema = z.object({
  backupRetentionDays: z.coerce.number().int().min(1, "At least 1 day.").max(3650, "At most 3650 days."),
  softDeleteDays: z.coerce.number().int().min(0, "0 (deletes are final) or more.").max(365, "At most 365 days."),
});

export const planRetentionSchema = z.object({
  planId: z.string().min(1).max(64),
  backupRetentionDays: z.coerce.number().int().min(1).max(3650).nullable(),
});
