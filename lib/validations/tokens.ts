import { z } from "zod";

/** The lifetimes offered on the account page; "never" keeps a token until it is revoked (not for admin tokens). */
export const TOKEN_EXPIRY_CHOICES = ["1", "7", "30", "90", "365", "never"] as const;
export type TokenExpiryChoice = (typeof TOKEN_EXPIRY_CHOICES)[number];

export const createTokenSchema = z
  .object({
    name: z
      .string()
      .trim()
      .min(1, "Give the token a name.")
      .max(64, "Use at most 64 characters.")
      .regex(/^[\p{L}\p{N}][\p{L}\p{N} ._'()/:-]*$/u, "Use letters, digits, spaces and . _ ' ( ) / : - only."),
    expiresInDays: z.enum(TOKEN_EXPIRY_CHOICES, { message: "Choose an expiry." }),
    // Only administrators may ask for it; the service checks.
    admin: z.boolean().optional().default(false),
  })
  // A token that can delete every project must not outlive its purpose unnoticed.
  .refine((v) => !(v.admin && v.expiresInDays === "never"), {
    message: "Admin tokens must expire: choose at most 1 year.",
    path: ["expiresInDays"],
  });
export type CreateTokenInput = z.input<typeof createTokenSchema>;

export const revokeTokenSchema = z.object({ id: z.uuid("Not a token id.") });
