// The Management API's Auth config shapes (GET/PATCH /v1/projects/{ref}/config/auth),
// as zod schemas registered in the API's registry (lib/api/schemas.ts): the
// same objects validate requests and describe them in the OpenAPI document.
import { z } from "zod";
import { apiRegistry } from "@/lib/api/schemas";

// The subset of Supabase's AuthConfigResponse / UpdateAuthConfigBody that
// Supafleet's per-project Auth settings cover (lib/api/auth-config.ts maps
// them). Names and types are upstream's (openapi/v1.json in
// supabase-management-js @e8943b6): smtp_port is a string there.

export const AUTH_CONFIG_FIELDS = [
  "site_url",
  "uri_allow_list",
  "mailer_autoconfirm",
  "external_phone_enabled",
  "sms_autoconfirm",
  "smtp_admin_email",
  "smtp_host",
  "smtp_port",
  "smtp_user",
  "smtp_pass",
  "smtp_sender_name",
] as const;
export type AuthConfigField = (typeof AUTH_CONFIG_FIELDS)[number];

const AUTH_CONFIG_SUBSET = `Supafleet supports these Auth settings only: ${AUTH_CONFIG_FIELDS.join(", ")}.`;

export const authConfigSchema = z
  .object({
    site_url: z.string().nullable(),
    uri_allow_list: z.string().nullable().register(apiRegistry, { description: "Additional redirect URLs, comma-separated." }),
    mailer_autoconfirm: z
      .boolean()
      .nullable()
      .register(apiRegistry, { description: 'true: sign-ups need not confirm their email address (Supafleet\'s "Confirm email" off).' }),
    external_phone_enabled: z.boolean().nullable().register(apiRegistry, { description: "Sign-up with a phone number (off by default)." }),
    sms_autoconfirm: z
      .boolean()
      .nullable()
      .register(apiRegistry, { description: "Phone sign-ups count as confirmed without an SMS code. No SMS provider is set up, so phone sign-up needs it." }),
    smtp_admin_email: z.string().nullable(),
    smtp_host: z.string().nullable().register(apiRegistry, { description: "null: no SMTP server is set up (then confirmation is off)." }),
    smtp_port: z.string().nullable(),
    smtp_user: z.string().nullable(),
    smtp_pass: z.null().register(apiRegistry, { description: "Never returned: always null." }),
    smtp_sender_name: z.string().nullable(),
  })
  .register(apiRegistry, {
    id: "AuthConfigResponse",
    description: `The Auth (GoTrue) settings of a project: ${AUTH_CONFIG_SUBSET} Supabase's other fields are not part of the answer.`,
  });

// Upstream's field types (strings, nullable); the values are then checked by
// the same rules as the project page (lib/validations/auth-settings.ts).
const patchString = (max: number) => z.string().max(max).nullable().optional();

export const updateAuthConfigBodySchema = z
  .strictObject(
    {
      site_url: z
        .string()
        .max(2000)
        .optional()
        .register(apiRegistry, { description: "Your app's URL: where confirmation and OAuth flows send people back to. Cannot be null." }),
      uri_allow_list: patchString(110_000).register(apiRegistry, {
        description: 'Additional redirect URLs, comma-separated (at most 50); null or "" clears them.',
      }),
      mailer_autoconfirm: z.boolean().optional().register(apiRegistry, { description: "false turns email confirmation on, which needs SMTP. Cannot be null." }),
      external_phone_enabled: z.boolean().optional().register(apiRegistry, {
        description: "true allows sign-up by phone number, which needs sms_autoconfirm true (no SMS provider is set up). Cannot be null.",
      }),
      sms_autoconfirm: z.boolean().optional().register(apiRegistry, { description: "Cannot be null." }),
      smtp_admin_email: patchString(320).register(apiRegistry, { description: "The sender's address." }),
      smtp_host: patchString(253).register(apiRegistry, {
        description: 'null or "" turns custom SMTP off (then the other smtp_ fields must be null or absent).',
      }),
      smtp_port: z
        .string()
        .regex(/^\d{1,5}$/, "A port number, as a string.")
        .nullable()
        .optional(),
      smtp_user: patchString(320),
      smtp_pass: patchString(1000).register(apiRegistry, { description: "null or absent keeps the stored password (GET never returns it)." }),
      smtp_sender_name: patchString(200).register(apiRegistry, { description: 'null or "" clears it.' }),
    },
    // Not "Unknown field.": a client sending Supabase's other settings learns which ones this server has.
    { error: (iss) => (iss.code === "unrecognized_keys" ? `Not supported by Supafleet. ${AUTH_CONFIG_SUBSET}` : undefined) },
  )
  .register(apiRegistry, {
    id: "UpdateAuthConfigBody",
    description: `Changes the given settings, keeps the rest. ${AUTH_CONFIG_SUBSET} Any other field is refused with 400. Saving makes the project's auth container again (nothing else restarts).`,
  });
export type UpdateAuthConfigBody = z.output<typeof updateAuthConfigBodySchema>;
