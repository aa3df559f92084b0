// What each organization role may do, defined once. Every service asks
// `allows(role, action)` (or puts rolesFor(action) in its query); the UI may
// ask the same to hide a button, never instead of the server's check.
//
// Source: Supabase's access-control page
// (https://supabase.com/docs/guides/platform/access-control), which says:
//   - Owner: full access to everything in organization and project resources.
//   - Administrator: full access except updating organization settings,
//     transferring projects outside of the organization, and adding new owners.
//   - Developer: read-only access to organization resources and content access
//     to project resources, but cannot change any project settings.
//   - Read-Only: read-only access to organization and project resources.
//   - "Each Supabase organization must have at least one owner."
// Supafleet's reading of it (issue 31): a Developer runs projects (pause,
// resume, restart), reveals their keys, runs SQL and deploys functions, but
// does not create or delete projects, change their settings or manage
// members; Read-only sees projects, their status and members, and changes
// nothing nor reveals a secret.
import { ORG_ROLES, type OrgRole } from "@/lib/domain";

export const ORG_ACTIONS = [
  // organization
  "org.read",
  "org.update",
  "members.read",
  /** Add, remove, or change the role of Administrators, Developers and Read-only members. */
  "members.manage",
  /** Make someone an Owner, or change or remove an Owner. */
  "members.manageOwners",
  "project.create",
  // one project
  "project.read",
  /** Pause, resume, restart. */
  "project.run",
  /** Reveal API keys, database password and connection strings; run SQL as postgres. */
  "project.secrets",
  /** What runs inside: Edge Functions and their secrets, migrations. */
  "project.content",
  /** Rename, Auth and Postgres settings, idle timeout, upgrades, backups and restores. */
  "project.settings",
  "project.delete",
] as const;
export type OrgAction = (typeof ORG_ACTIONS)[number];

const ALL: readonly OrgRole[] = ORG_ROLES;
const RUNS: readonly OrgRole[] = ["OWNER", "ADMINISTRATOR", "DEVELOPER"];
const MANAGES: readonly OrgRole[] = ["OWNER", "ADMINISTRATOR"];
const OWNS: readonly OrgRole[] = ["OWNER"];

/** The matrix: which roles may take each action. */
export const PERMISSIONS: { readonly [A in OrgAction]: readonly OrgRole[] } = {
  "org.read": ALL,
  "org.update": OWNS,
  "members.read": ALL,
  "members.manage": MANAGES,
  "members.manageOwners": OWNS,
  "project.create": MANAGES,
  "project.read": ALL,
  "project.run": RUNS,
  "project.secrets": RUNS,
  "project.content": RUNS,
  "project.settings": MANAGES,
  "project.delete": MANAGES,
};

/** Organizations one user may own besides their personal one: creates are a loop any signed-in user can run. */
export const MAX_OWNED_ORGANIZATIONS = 20;

export function allows(role: OrgRole, action: OrgAction): boolean {
  return PERMISSIONS[action].includes(role);
}

export function rolesFor(action: OrgAction): OrgRole[] {
  return [...PERMISSIONS[action]];
}

/** The action a change of someone's membership needs: touching an Owner (or making one) is for Owners only. */
export function memberChangeAction(from: OrgRole | null, to: OrgRole | null): OrgAction {
  return from === "OWNER" || to === "OWNER" ? "members.manageOwners" : "members.manage";
}
