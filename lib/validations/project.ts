import { z } from "zod";

/** Supabase-style project ref: 20 lowercase letters. Nothing else ever reaches Docker names or nginx. */
export const REF_PATTERN = /^[a-z]{20}$/;
export const refSchema = z.string().regex(REF_PATTERN, "Not a valid project ref.");

/** A project's display name: the form's and the API's rule (create and rename). */
export const projectNameSchema = z
  .string()
  .trim()
  .min(2, "Use at least 2 characters.")
  .max(64, "Use at most 64 characters.")
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} ._'-]*$/u, "Use letters, digits, spaces and . _ ' - only.");

export const createProjectSchema = z.object({
  name: projectNameSchema,
  region: z
    .string()
    .trim()
    .max(32, "Use at most 32 characters.")
    .regex(/^[a-z0-9-]*$/, "Use lowercase letters, digits and - only.")
    .optional()
    .transform((v) => (v ? v : undefined)),
  /** The organization's slug; unsaid: the creator's personal organization. */
  organization: z
    .string()
    .max(64)
    .regex(/^[\w-]*$/, "Not a valid organization slug.")
    .optional()
    .transform((v) => (v ? v : undefined)),
});
/** Move a project to another organization (its slug). */
export const transferProjectSchema = z.object({
  ref: refSchema,
  organization: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[\w-]+$/, "Not a valid organization slug."),
});

export type CreateProjectInput = z.infer<typeof createProjectSchema>;

export const deleteProjectSchema = z.object({ ref: refSchema, confirmRef: z.string() }).refine((v) => v.ref === v.confirmRef, {
  message: "Type the project ref exactly to confirm.",
  path: ["confirmRef"],
});

/**
 * Admin: adopt a quarantined stack for its sealed owner's account, or for the
 * account id the admin picked after looking it up by email (never by email alone).
 */
export const adoptStackSchema = z.object({
  ref: refSchema,
  ownerId: z
    .string()
    .trim()
    .max(64)
    .regex(/^[A-Za-z0-9_-]*$/, "Not an account id.")
    .optional()
    .transform((v) => (v ? v : undefined)),
});

/** Admin: find the account with an email, to show it before adopting a quarantined stack for it. */
export const adoptionCandidateSchema = z.object({
  ref: refSchema,
  ownerEmail: z.string().trim().toLowerCase().max(320).pipe(z.email("Enter an email address.")),
});

/** Admin: delete a quarantined stack and its volumes for good, typed confirmation. */
export const purgeStackSchema = z.object({ ref: refSchema, confirmRef: z.string() }).refine((v) => v.ref === v.confirmRef, {
  message: "Type the ref exactly to confirm.",
  path: ["confirmRef"],
});

/** A project's idle timeout: minutes (0 = never pause), or null for the installation's default. */
export const idleTimeoutSchema = z.object({
  ref: refSchema,
  minutes: z.number().int().min(0).max(525_600, "Use at most a year.").nullable(),
});

/** A project's frozen time (lib/projects/sleep-tier.ts): minutes frozen before stopped (0 = stopped at once), or null for the installation's default. */
export const frozenStopSchema = idleTimeoutSchema;

/** Admin: drain a Swarm node (no new projects) or take it back. */
export const nodeDrainSchema = z.object({
  nodeId: z.string().regex(/^[a-z0-9]{1,64}$/i, { message: "Not a Swarm node id." }),
  drained: z.boolean(),
});

export const renameProjectSchema = z.object({ ref: refSchema, name: projectNameSchema });
