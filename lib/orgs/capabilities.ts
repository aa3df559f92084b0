// What the project page offers a viewer, derived from their role through the
// one matrix (lib/orgs/permissions.ts). The page passes this small object to
// its components, which hide or disable what the role may not do; the server
// still checks every action (a hidden button is a courtesy, not a guard).
import { ORG_ROLE_NAMES, type OrgRole } from "@/lib/domain";
import { allows } from "@/lib/orgs/permissions";

export interface ProjectCapabilities {
  role: OrgRole;
  /** Pause, resume, restart, retry. */
  run: boolean;
  /** Reveal keys, passwords and connection strings; download a backup. */
  secrets: boolean;
  /** Edge Functions and their secrets. */
  content: boolean;
  /** Auth and idle settings, upgrades, custom domain, backups and restores, transfer out. */
  settings: boolean;
  delete: boolean;
  /** Add and remove members of the project's organization. */
  members: boolean;
}

export function projectCapabilities(role: OrgRole): ProjectCapabilities {
  return {
    role,
    run: allows(role, "project.run"),
    secrets: allows(role, "project.secrets"),
    content: allows(role, "project.content"),
    settings: allows(role, "project.settings"),
    delete: allows(role, "project.delete"),
    members: allows(role, "members.manage"),
  };
}

/** The reason shown where a control is left out: it names the role, so the viewer knows whom to ask. */
export function roleReason(role: OrgRole, what: string): string {
  return `Your role in this project's organization (${ORG_ROLE_NAMES[role]}) does not allow ${what}.`;
}
