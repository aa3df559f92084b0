import { z } from "zod";
import { orgSlugSchema } from "@/lib/validations/organization";

/** An administrator's limits for one organization; null = back to the installation's default. */
export const orgLimitsSchema = z.object({
  slug: orgSlugSchema,
  projectQuota: z.number().int().min(0, "Use 0 or more.").max(1000, "Use at most 1000.").nullable(),
  planId: z.string().min(1).max(64).nullable(),
});
