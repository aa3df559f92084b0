import { z } from "zod";
import { ORG_ROLES } from "@/lib/domain";

/** An organization's slug: a user's id (personal organizations) or 20 random letters; upstream's pattern, bounded. */
export const orgSlugSchema = z
  .string()
  .max(64)
  .regex(/^[\w-]+$/, "Not a valid organization slug.");

/** An organization's display name: the project name's rule (upstream allows up to 256 characters). */
export const orgNameSchema = z
  .string()
  .trim()
  .min(2, "Use at least 2 characters.")
  .max(64, "Use at most 64 characters.")
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} ._'&@-]*$/u, "Use letters, digits, spaces and . _ ' & @ - only.");

export const orgRoleSchema = z.enum(ORG_ROLES, "Not a role.");

export const createOrganizationSchema = z.object({ name: orgNameSchema });

export const renameOrganizationSchema = z.object({ slug: orgSlugSchema, name: orgNameSchema });

export const addMemberSchema = z.object({
  slug: orgSlugSchema,
  email: z.string().trim().toLowerCase().max(320).pipe(z.email("Enter an email address.")),
  role: orgRoleSchema,
});

export const changeRoleSchema = z.object({ slug: orgSlugSchema, userId: z.string().min(1).max(64), role: orgRoleSchema });

export const removeMemberSchema = z.object({ slug: orgSlugSchema, userId: z.string().min(1).max(64) });

/** Invite an address with a role: the same fields as adding a member. */
export const inviteSchema = addMemberSchema;

export const revokeInvitationSchema = z.object({ slug: orgSlugSchema, id: z.uuid("Not an invitation id.") });

/** An invitation link's token: 32 random bytes, base64url. */
export const invitationTokenSchema = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{43}$/, "Not an invitation link.") });
