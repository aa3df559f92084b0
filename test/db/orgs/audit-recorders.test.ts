// The audit log's one hook point (lib/audit/recorders.ts) over the real
// services on a migrated SQLite database and the strict fake engine: what
// each successful call leaves in the organization's log, who is named, that
// an API token's owner is marked as such, that refused calls leave nothing,
// and that no secret (an invitation's token, a key) is ever written.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ForbiddenError } from "@/lib/errors";
import { AuditLog } from "@/lib/audit/log";
import { verifyAuditExport } from "@/lib/audit/chain";
import { BACKUP_RULES, DOMAIN_RULES, INVITATION_RULES, MANAGEMENT_API_RULES, ORGANIZATION_RULES, PROJECT_RULES, audited } from "@/lib/audit/recorders";
import { OrganizationService } from "@/lib/orgs/service";
import { InvitationService } from "@/lib/orgs/invitations";
import { ManagementApi } from "@/lib/api/management-api";
import type { ProjectService } from "@/lib/projects/service";
import type { BackupService } from "@/lib/backups/service";
import type { CustomDomainService } from "@/lib/domains/service";
import type { SessionUser } from "@/lib/auth/actor";
import { addUser, projectServiceFixture, tempFolder, type ProjectFixture } from "@/test/support/project-service-fixture";

const dir = tempFolder("audit-recorders");
let fx: ProjectFixture;
let log: AuditLog;
let projects: ProjectService;
let orgs: OrganizationService;
let invites: InvitationService;
let api: ManagementApi;
let owner: SessionUser;
let dev: SessionUser;
let invitee: SessionUser;

beforeAll(async () => {
  fx = await projectServiceFixture({ dir });
  log = new AuditLog(fx.db, { retentionDays: 30 });
  projects = audited(fx.service, PROJECT_RULES, fx.db, log);
  orgs = audited(new OrganizationService(fx.db), ORGANIZATION_RULES, fx.db, log);
  invites = audited(new InvitationService(fx.db), INVITATION_RULES, fx.db, log);
  api = audited(
    new ManagementApi(projects, { dbImage: "supabase/postgres:17.6.1.054", databaseHost: "127.0.0.1", organizations: orgs }),
    MANAGEMENT_API_RULES,
    fx.db,
    log,
  );
  owner = await addUser(fx.db, "owner@example.com", { projectQuota: 10 });
  dev = await addUser(fx.db, "dev@example.com", { projectQuota: 10 });
  invitee = await addUser(fx.db, "invitee@example.com");
});

afterAll(async () => {
  await fx.service.waitForAllJobs();
  await fx.db.$disconnect();
});

describe("the audit hook point", () => {
  it("records members, invitations and project actions, with who did them and how", async () => {
    const { slug, id: orgId } = await orgs.create(owner, { name: "Acme" });
    await orgs.addMember(owner, { slug, email: dev.email, role: "READ_ONLY" });
    await orgs.changeRole(owner, { slug, userId: dev.id, role: "DEVELOPER" });
    const inv = await invites.invite(owner, { slug, email: invitee.email, role: "READ_ONLY" });
    await invites.accept(invitee, { token: inv.token });
    const revoked = await invites.invite(owner, { slug, email: "later@example.com", role: "DEVELOPER" });
    await invites.revoke(owner, { slug, id: revoked.id });

    const { ref } = await projects.createProject(owner, { name: "Shop", organization: slug });
    await projects.waitForAllJobs();
    await projects.pauseProject(dev, ref);
    await projects.waitForAllJobs();
    await projects.resumeProject(dev, ref);
    await projects.waitForAllJobs();
    // The Management API acts as the token's owner, marked as via the API (lib/tokens/service.ts authenticateToken).
    const keys = await api.apiKeys({ user: { ...dev, via: "api" }, tokenId: "t", admin: false }, ref, true);
    // The dashboard's "Reveal".
    await projects.revealSecrets(owner, ref);
    // Reads that only check access (the settings API's) are not reveals.
    await projects.getProjectDetails(owner, ref);
    await projects.renameProject(owner, { ref, name: "Shop 2" });
    // Refused: nothing recorded.
    await expect(projects.deleteProject(dev, { ref, confirmRef: ref })).rejects.toThrow(ForbiddenError);
    await projects.transferProject(owner, { ref, organization: owner.id });
    await projects.deleteProject(owner, { ref, confirmRef: ref });
    await projects.waitForAllJobs();
    await orgs.removeMember(owner, { slug, userId: dev.id });
    await orgs.removeMember(invitee, { slug, userId: invitee.id });

    const page = await log.page(owner, slug);
    const story = [...page.entries].reverse().map((e) => [e.action, e.actor?.email, e.via, e.target]);
    expect(story).toEqual([
      ["organization.created", owner.email, "web", orgId],
      ["member.added", owner.email, "web", dev.email],
      ["member.role_changed", owner.email, "web", dev.email],
      ["invitation.created", owner.email, "web", invitee.email],
      ["invitation.accepted", invitee.email, "web", invitee.email],
      ["invitation.created", owner.email, "web", "later@example.com"],
      ["invitation.revoked", owner.email, "web", "later@example.com"],
      ["project.created", owner.email, "web", ref],
      ["project.paused", dev.email, "web", ref],
      ["project.resumed", dev.email, "web", ref],
      ["project.secrets_revealed", dev.email, "api", ref],
      ["project.secrets_revealed", owner.email, "web", ref],
      ["project.renamed", owner.email, "web", ref],
      ["project.transferred_out", owner.email, "web", ref],
      ["member.removed", owner.email, "web", dev.email],
      ["member.left", invitee.email, "web", invitee.email],
    ]);
    expect(page.entries.find((e) => e.action === "member.role_changed")?.data).toEqual({ from: "READ_ONLY", to: "DEVELOPER" });
    // The move and the delete are in the personal organization's log, where the project went.
    const personal = await log.page(owner, owner.id);
    expect([...personal.entries].reverse().map((e) => [e.action, e.target])).toEqual([
      ["project.transferred_in", ref],
      ["project.deleted", ref],
    ]);
    expect(personal.entries[1]!.data).toEqual({ from: orgId });

    // No secret reached the log: not the invitation's token, nor a key of the project.
    const all = JSON.stringify(await fx.db.auditEntry.findMany());
    expect(all).not.toContain(inv.token);
    expect(all).not.toContain(revoked.token);
    expect(keys.length).toBeGreaterThan(0);
    for (const k of keys) {
      expect(k.api_key?.length ?? 0).toBeGreaterThan(20);
      expect(all).not.toContain(k.api_key);
    }

    const lines: string[] = [];
    for await (const l of await log.exportLines(owner, slug)) lines.push(l);
    expect(verifyAuditExport(lines.join("").split("\n"))).toMatchObject({ ok: true, entries: 16 });
  });

  // Backups and custom domains start stacks and need DNS: here the recording
  // alone is checked, over stand-ins of the two services that answer as the
  // real ones do (same methods, same results), one of them failing.
  it("records backups, restores, clones and custom domains, and nothing for a failed call", async () => {
    const { ref } = await projects.createProject(owner, { name: "Backed up" });
    await projects.waitForAllJobs();
    const clone = await projects.createProject(owner, { name: "Clone" });
    await projects.waitForAllJobs();
    const backupId = "0b0b0b0b-0000-4000-8000-000000000001";
    const backupsStandIn = {
      createBackup: async () => ({ id: backupId }),
      restoreBackup: async () => ({ ref }),
      restoreToPoint: async () => ({ ref }),
      cloneBackup: async () => ({ ref: clone.ref }),
      undeleteProject: async () => {
        throw new ForbiddenError("no");
      },
    } as unknown as BackupService;
    const domainsStandIn = {
      initialize: async () => ({ ref, hostname: "api.example.org" }),
      activate: async () => ({ ref, hostname: "api.example.org" }),
      remove: async () => undefined,
    } as unknown as CustomDomainService;
    await fx.db.customDomain.create({ data: { ref, hostname: "api.example.org", status: "5_services_reconfigured", txtToken: "t" } });
    const backups = audited(backupsStandIn, BACKUP_RULES, fx.db, log);
    const domains = audited(domainsStandIn, DOMAIN_RULES, fx.db, log);
    await backups.createBackup(owner, { ref });
    await backups.restoreBackup(owner, { ref, backupId, confirmRef: ref });
    await backups.restoreToPoint(owner, { ref, targetTime: "2026-12-07T20:00:00Z", confirmRef: ref });
    await backups.cloneBackup(owner, { ref, backupId, name: "Clone" });
    await expect(backups.undeleteProject(owner, { ref })).rejects.toThrow(ForbiddenError);
    await domains.initialize(owner, ref, { custom_hostname: "api.example.org" });
    await domains.activate(owner, ref);
    await domains.remove(owner, ref);
    const page = await log.page(owner, owner.id);
    const recent = page.entries
      .slice(0, 7)
      .reverse()
      .map((e) => [e.action, e.target, e.data]);
    expect(recent).toEqual([
      ["backup.created", ref, { backup: backupId }],
      ["backup.restored", ref, { backup: backupId }],
      ["backup.restored_to_point", ref, { targetTime: "2026-12-07T20:00:00Z" }],
      ["backup.cloned", clone.ref, { from: ref, backup: backupId }],
      ["domain.added", ref, { hostname: "api.example.org" }],
      ["domain.activated", ref, { hostname: "api.example.org" }],
      ["domain.removed", ref, { hostname: "api.example.org" }],
    ]);
  });
});
