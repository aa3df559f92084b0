// The words of the audit log (lib/audit): what an entry says was done.
export const AUDIT_ACTIONS = [
  "organization.created",
  "organization.renamed",
  "member.added",
  "member.role_changed",
  "member.removed",
  "member.left",
  "invitation.created",
  "invitation.revoked",
  "invitation.accepted",
  "project.created",
  "project.deleted",
  "project.undeleted",
  "project.paused",
  "project.resumed",
  "project.restarted",
  "project.renamed",
  "project.transferred_in",
  "project.transferred_out",
  "project.secrets_revealed",
  "backup.created",
  "backup.restored",
  "backup.restored_to_point",
  "backup.cloned",
  "domain.added",
  "domain.activated",
  "domain.removed",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** How an actor acted: signed in on the site, or through the Management API with a token. */
export type AuditVia = "web" | "api" | "system";
