// A project's API keys in the shape of GET /v1/projects/{ref}/api-keys.
//
// Supafleet projects have the legacy pair only: the anon and service_role
// JWTs. Supabase's newer publishable (sb_publishable_…) and secret
// (sb_secret_…) keys do not exist in Supafleet yet. When they do, a source
// adds them to projectKeys() as ProjectApiKey entries of type "publishable"
// or "secret", and v1ApiKeys() already masks secret ones unless `reveal`.
//
// Upstream behaviour followed here: legacy keys come back in full whatever
// `reveal` says (the Supabase CLI reads service_role from a request without
// reveal: supabase/cli internal/utils/tenant/client.go, commit 064c806a),
// with id = name, type "legacy" and "Legacy … API key" descriptions.
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
  insertedAt: string;
  updatedAt: string;
}

/** The keys a project has today: the legacy pair, made with the project. */
export function projectKeys(details: Pick<ProjectDetails, "anonKey" | "serviceRoleKey" | "createdAt">): ProjectApiKey[] {
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
  return [legacy("anon", details.anonKey, false), legacy("service_role", details.serviceRoleKey, true)];
}

const PREFIX_LENGTH = 15;

export function v1ApiKeys(keys: ProjectApiKey[], reveal: boolean): V1ApiKey[] {
  return keys.map((k) => {
    const prefix = k.type === "legacy" ? null : k.value.slice(0, PREFIX_LENGTH);
    const hidden = k.type !== "legacy" && k.secret && !reveal;
    return {
      api_key: hidden ? `${prefix}${"•".repeat(8)}` : k.value,
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
