import { z } from "zod";

export const userIdSchema = z.string().uuid("Not a valid user id.");

export const setQuotaSchema = z.object({
  userId: userIdSchema,
  // null = back to the default quota
  projectQuota: z.number().int().min(0, "Use 0 or more.").max(1000, "Use at most 1000.").nullable(),
});

export const setRoleSchema = z.object({ userId: userIdSchema, role: z.enum(["USER", "ADMIN"]) });
export const setDisabledSchema = z.object({ userId: userIdSchema, disabled: z.boolean() });

export const settingsSchema = z.object({
  signupEnabled: z.boolean(),
  defaultProjectQuota: z.number().int().min(0, "Use 0 or more.").max(1000, "Use at most 1000."),
  signupRequiresApproval: z.boolean(),
  signupsPerIpPerDay: z.number().int().min(1, "Use 1 or more (switch sign-up off to allow none).").max(10_000, "Use at most 10000."),
});

export const approveSchema = z.object({ userId: userIdSchema });

export const userSearchSchema = z.object({
  query: z.string().trim().max(100).optional(),
  page: z.number().int().min(1).max(10_000).default(1),
});
