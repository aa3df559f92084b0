// Supafleet's own views (lib/projects, lib/users) in the shapes of Supabase's
// Management API. Pure functions: no database, no Docker.
import type { z } from "zod";
import type { ProjectSummary } from "@/lib/projects/service";
import type { SessionUser } from "@/lib/auth/actor";
import type { organizationMemberSchema, organizationSchema, projectRefResponseSchema, projectSchema, projectWithDatabaseSchema } from "@/lib/api/schemas";
import type { organizationSlugResponseSchema } from "@/lib/api/settings-schemas";
import type { MemberView, OrganizationView } from "@/lib/orgs/service";
import { ORG_ROLE_NAMES } from "@/lib/domain";

export type V1Organization = z.output<typeof organizationSchema>;
export type V1OrganizationDetail = z.output<typeof organizationSlugResponseSchema>;
export type V1OrganizationMember = z.output<typeof organizationMemberSchema>;
export type V1Project = z.output<typeof projectSchema>;
export type V1ProjectWithDatabase = z.output<typeof projectWithDatabaseSchema>;
export type V1ProjectRef = z.output<typeof projectRefResponseSchema>;

/** A user's personal organization: its slug is the user's id, which never changes (lib/orgs/service.ts). */
export function organizationSlugOf(userId: string): string {
  return userId;
}

export function organizationOf(user: SessionUser): V1Organization {
  const slug = organizationSlugOf(user.id);
  return { id: slug, slug, name: user.name?.trim() || user.email };
}

/** An organization the caller belongs to; the deprecated id is the slug, as upstream documents it. */
export function v1Organization(o: OrganizationView): V1Organization {
  return { id: o.slug, slug: o.slug, name: o.name };
}

export function v1Member(m: MemberView): V1OrganizationMember {
  return { user_id: m.userId, user_name: m.name?.trim() || m.email, email: m.email, role_name: ORG_ROLE_NAMES[m.role], mfa_enabled: m.mfaEnabled };
}

/** The project in upstream's shape; `organization` is its organization's slug (a personal organization's is its user's id). */
export function v1Project(p: ProjectSummary, organization: string): V1Project {
  const slug = organizationSlugOf(organization);
  return {
    id: p.ref,
    ref: p.ref,
    organization_id: slug,
    organization_slug: slug,
    name: p.name,
    region: p.region ?? "default",
    created_at: p.createdAt,
    // The schema's status words are lib/domain's (Supabase's own): a status is its API word, and
    // a status the schema lacked would fail to compile here.
    status: p.status,
  };
}

/** Postgres version and engine from the image the server runs for db ("supabase/postgres:15.8.1.060" → 15.8.1.060, 15). */
export function databaseInfo(dbImage: string): { version: string; postgres_engine: string } {
  const tag = /:([\w][\w.-]*)$/.exec(dbImage.split("@")[0]!)?.[1] ?? "";
  const version = /^\d+(\.\d+)*/.exec(tag)?.[0] ?? "unknown";
  return { version, postgres_engine: version.split(".")[0]! };
}

export function v1ProjectWithDatabase(p: ProjectSummary, organization: string, dbImage: string): V1ProjectWithDatabase {
  const info = databaseInfo(dbImage);
  return {
    ...v1Project(p, organization),
    database: { host: new URL(p.apiUrl).hostname, version: info.version, postgres_engine: info.postgres_engine, release_channel: "ga" },
  };
}

/**
 * Supabase answers a delete with the project's numeric id; Supafleet has none,
 * so this is a stable number from the ref: its first ten letters read in base
 * 26 (below 2^48, an exact JSON number).
 */
export function numericProjectId(ref: string): number {
  let n = 0;
  for (const ch of ref.slice(0, 10)) n = n * 26 + (ch.charCodeAt(0) - 97);
  return n;
}

export function v1ProjectRef(p: { ref: string; name: string }): V1ProjectRef {
  return { id: numericProjectId(p.ref), ref: p.ref, name: p.name };
}
