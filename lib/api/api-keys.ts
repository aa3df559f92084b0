// A project's API keys in the shape of GET /v1/projects/{ref}/api-keys.
//
// Every project has the legacy pair (the anon and service_role HS256 JWTs).
// Projects on a template with the new keys (2026.09-r1 and later, or
// upgraded to it) also have a publishable (sb_publishable_…) and a secret
// (sb_secret_…) key.
//
// Upstream behaviour followed here:
// - Legacy keys come back in full whatever `reveal` says (the Supabase CLI
//   reads service_role from a request without reveal: supabase/cli
//   internal/utils/tenant/client.go, commit 064c806a), with id = name, type
//   "legacy" and "Legacy … API key" descriptions.
// - The new keys as upstream's self-hosted Studio lists them
//   (supabase/supabase apps/studio/lib/api/self-hosted/api-keys.ts @13b01457):
//   name = id = "publishable" / "secret", descriptions "Publishable API key
//   (anon role)" / "Secret API key (service_role)"; a secret key's prefix is
//   its first 15 characters ("sb_secret_" + 5), always shown, and without
//   reveal=true api_key is that prefix only (the platform answers the same:
//   apps/studio/components/interfaces/APIKeys/ApiKeyPill.test.tsx @07cd8695).
// - The secret key carries secret_jwt_template {"role": "service_role"}: the
//   Supabase CLI takes a secret key for the service role only when that
//   template says so (supabase/cli apps/cli-go/internal/utils/tenant/client.go
//   isServiceRole, @1d1e7191).
import type { z } from "zod";
import type { ProjectDetails } from "@/lib/projects/service";
import type { apiKeySchema } from "@/lib/api/schemas";

export type V1ApiKey = z.output<typeof apiKeySchema>;

export interface ProjectApiKey {
  id: string;
  name: string;
  type: "legacy" | "publishable" | "secret";
  value: string;
  /** Bypasses Row Level Security; for non-legacy keys, masked unless revealed. */
  secret: boolean;
  description: string;
  /** The JWT claims template a secret key mints (non-legacy keys). */
  jwtTemplate: Record<string, unknown> | null;
  /** null: not recorded (new keys may have been added by an upgrade, after the project was made). */
  insertedAt: string | null;
  updatedAt: string | null;
}

/** The keys a project has: the legacy pair, made with the project, then the new keys where it has them. */
export function projectKeys(details: Pick<ProjectDetails, "anonKey" | "serviceRoleKey" | "createdAt" | "publishableKey" | "secretKey">): ProjectApiKey[] {
  const legacy = (name: "anon" | "service_role", value: string, secret: boolean): ProjectApiKey => ({
    id: name,
    name,
    type: "legacy",
    value,
    secret,
    description: `Legacy ${name} API key`,
    jwtTemplate: null,
    insertedAt: details.createdAt,
    updatedAt: details.createdAt,
  });
  const keys = [legacy("anon", details.anonKey, false), legacy("service_role", details.serviceRoleKey, true)];
  if (details.publishableKey) {
    keys.push({
      id: "publishable",
      name: "publishable",
      type: "publishable",
      value: details.publishableKey,
      secret: false,
      description: "Publishable API key (anon role)",
      jwtTemplate: null,
      insertedAt: null,
      updatedAt: null,
    });
  }
  if (details.secretKey) {
    keys.push({
      id: "secret",
      name: "secret",
      type: "secret",
      value: details.secretKey,
      secret: true,
      description: "Secret API key (service_role)",
      jwtTemplate: { role: "service_role" },
      insertedAt: null,
      updatedAt: null,
    });
  }
  return keys;
}

/** "sb_secret_" (10) + 5 identifying characters, as upstream shows a secret key before it is revealed. */
export const SECRET_KEY_PREFIX_LENGTH = 15;

export function v1ApiKeys(keys: ProjectApiKey[], reveal: boolean): V1ApiKey[] {
  return keys.map((k) => {
    // Only secret keys have a prefix upstream: it is what identifies them while masked.
    const prefix = k.type === "secret" ? k.value.slice(0, SECRET_KEY_PREFIX_LENGTH) : null;
    const hidden = k.type === "secret" && !reveal;
    return {
      api_key: hidden ? prefix : k.value,
      id: k.id,
      type: k.type,
      prefix,
      name: k.name,
      description: k.description,
      hash: null,
      secret_jwt_template: k.jwtTemplate,
      inserted_at: k.insertedAt,
      updated_at: k.updatedAt,
    };
  });
}
