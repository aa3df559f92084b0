// The role matrix, walked: every organization role (and a stranger) × every
// action of lib/orgs/permissions.ts, each through the real service call that
// takes it (ProjectService, OrganizationService, the Management API), on a
// real migrated SQLite database and the strict fake engine. The expectations
// are spelled out here, not read from the module under test: a change to
// the matrix must change this table too.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ORG_ROLES, type OrgRole } from "@/lib/domain";
import { ForbiddenError, NotFoundError } from "@/lib/errors";
import { ORG_ACTIONS, allows, type OrgAction } from "@/lib/orgs/permissions";
import { OrganizationService } from "@/lib/orgs/service";
import { ManagementApi } from "@/lib/api/management-api";
import type { SessionUser } from "@/lib/auth/actor";
import { addUser, projectServiceFixture, tempFolder, type ProjectFixture } from "@/test/support/project-service-fixture";

// Supabase's access-control page (https://supabase.com/docs/guides/platform/access-control) as issue 31 reads it.
const Y = true;
const N = false;
const EXPECTED: Record<OrgAction, Record<OrgRole, boolean>> = {
  "org.read": { OWNER: Y, ADMINISTRATOR: Y, DEVELOPER: Y, READ_ONLY: Y },
  "org.update": { OWNER: Y, ADMINISTRATOR: N, DEVELOPER: N, READ_ONLY: N },
  "members.read": { OWNER: Y, ADMINISTRATOR: Y, DEVELOPER: Y, READ_ONLY: Y },
  "members.manage": { OWNER: Y, ADMINISTRATOR: Y, DEVELOPER: N, READ_ONLY: N },
  "members.manageOwners": { OWNER: Y, ADMINISTRATOR: N, DEVELOPER: N, READ_ONLY: N },
  "project.create": { OWNER: Y, ADMINISTRATOR: Y, DEVELOPER: N, READ_ONLY: N },
  "project.read": { OWNER: Y, ADMINISTRATOR: Y, DEVELOPER: Y, READ_ONLY: Y },
  "project.run": { OWNER: Y, ADMINISTRATOR: Y, DEVELOPER: Y, READ_ONLY: N },
  "project.secrets": { OWNER: Y, ADMINISTRATOR: Y, DEVELOPER: Y, READ_ONLY: N },
  "project.content": { OWNER: Y, ADMINISTRATOR: Y, DEVELOPER: Y, READ_ONLY: N },
  "project.settings": { OWNER: Y, ADMINISTRATOR: Y, DEVELOPER: N, READ_ONLY: N },
  "project.delete": { OWNER: Y, ADMINISTRATOR: Y, DEVELOPER: N, READ_ONLY: N },
};

const dir = tempFolder("role-matrix");
let fx: ProjectFixture;
let orgs: OrganizationService;
let api: ManagementApi;
let slug: string;
let ref: string;
const members = {} as Record<OrgRole, SessionUser>;
let stranger: SessionUser;
let spare: SessionUser;
let n = 0;

beforeAll(async () => {
  fx = await projectServiceFixture({ dir });
  orgs = new OrganizationService(fx.db);
  api = new ManagementApi(fx.service, { dbImage: "supabase/postgres:17.6.1.054", databaseHost: "127.0.0.1", organizations: orgs });
  for (const role of ORG_ROLES) members[role] = await addUser(fx.db, `${role.toLowerCase()}@example.com`, { projectQuota: 20 });
  stranger = await addUser(fx.db, "stranger@example.com", { projectQuota: 20 });
  spare = await addUser(fx.db, "spare@example.com");
  slug = (await orgs.create(members.OWNER, { name: "Acme" })).slug;
  for (const role of ORG_ROLES) if (role !== "OWNER") await orgs.addMember(members.OWNER, { slug, email: members[role].email, role });
  ref = (await fx.service.createProject(members.OWNER, { name: "Shared", organization: slug })).ref;
  await fx.service.waitForAllJobs();
});

afterAll(async () => {
  await fx.service.waitForAllJobs();
  await fx.db.$disconnect();
});

/** The Management API's principal: a token of `u`'s, acting with their role. */
const as = (user: SessionUser) => ({ user, tokenId: `token-of-${user.id}`, admin: false });

/** A fresh project for a destructive action, made by the Owner. */
async function freshProject(): Promise<string> {
  const p = await fx.service.createProject(members.OWNER, { name: `Doomed ${++n}`, organization: slug });
  await fx.service.waitForAllJobs();
  return p.ref;
}

// One real call per action; each leaves the world as it found it when it is allowed.
const ACTIONS: Record<OrgAction, (u: SessionUser) => Promise<unknown>> = {
  "org.read": (u) => api.getOrganization(as(u), slug),
  "org.update": (u) => orgs.rename(u, { slug, name: "Acme" }),
  "members.read": (u) => api.listOrganizationMembers(as(u), slug),
  "members.manage": async (u) => {
    await orgs.addMember(u, { slug, email: spare.email, role: "DEVELOPER" });
    await orgs.removeMember(members.OWNER, { slug, userId: spare.id });
  },
  "members.manageOwners": async (u) => {
    await orgs.addMember(u, { slug, email: spare.email, role: "OWNER" });
    await orgs.removeMember(members.OWNER, { slug, userId: spare.id });
  },
  "project.create": async (u) => {
    const p = await fx.service.createProject(u, { name: `By ${u.email.split("@")[0]}`, organization: slug });
    await fx.service.waitForAllJobs();
    await fx.service.deleteProject(members.OWNER, { ref: p.ref, confirmRef: p.ref });
  },
  "project.read": async (u) => {
    await fx.service.getProject(u, ref);
    await fx.service.listEvents(u, ref);
    await api.getProject(as(u), ref);
  },
  "project.run": async (u) => {
    await fx.service.pauseProject(u, ref);
    await fx.service.waitForAllJobs();
    await fx.service.resumeProject(u, ref);
    await fx.service.waitForAllJobs();
  },
  "project.secrets": (u) => fx.service.getProjectDetails(u, ref),
  "project.content": (u) => fx.service.listFunctionSecrets(u, ref),
  "project.settings": (u) => fx.service.renameProject(u, { ref, name: "Shared" }),
  "project.delete": async (u) => {
    const doomed = await freshProject();
    try {
      await fx.service.deleteProject(u, { ref: doomed, confirmRef: doomed });
    } catch (err) {
      await fx.service.deleteProject(members.OWNER, { ref: doomed, confirmRef: doomed });
      throw err;
    }
  },
};

describe("the role matrix", () => {
  it("is the one this test spells out", () => {
    for (const action of ORG_ACTIONS)
      for (const role of ORG_ROLES) expect([action, role, allows(role, action)]).toEqual([action, role, EXPECTED[action][role]]);
  });

  for (const role of ORG_ROLES) {
    for (const action of ORG_ACTIONS) {
      const allowed = EXPECTED[action][role];
      it(`${role} ${allowed ? "may" : "may not"} ${action}`, async () => {
        const call = ACTIONS[action](members[role]);
        if (allowed) await expect(call).resolves.not.toThrow();
        else await expect(call).rejects.toThrow(ForbiddenError);
      });
    }
  }

  for (const action of ORG_ACTIONS) {
    it(`a stranger may not ${action}, and learns nothing: 404`, async () => {
      await expect(ACTIONS[action](stranger)).rejects.toThrow(NotFoundError);
    });
  }

  it("is what the project page offers each role, and a stranger gets no page: 404", async () => {
    for (const role of ORG_ROLES) {
      const { can } = await fx.service.pageView(members[role], ref);
      const allowed = (a: OrgAction) => EXPECTED[a][role];
      expect(can).toEqual({
        role,
        run: allowed("project.run"),
        secrets: allowed("project.secrets"),
        content: allowed("project.content"),
        settings: allowed("project.settings"),
        delete: allowed("project.delete"),
        members: allowed("members.manage"),
      });
    }
    await expect(fx.service.pageView(stranger, ref)).rejects.toThrow(NotFoundError);
  });

  it("is asked again by open streams: a member removed mid-stream may no longer read it", async () => {
    const leaving = await addUser(fx.db, "leaving@example.com");
    await orgs.addMember(members.OWNER, { slug, email: leaving.email, role: "READ_ONLY" });
    expect(await fx.service.mayStill(leaving, ref, "project.read")).toBe(true);
    expect(await fx.service.mayStill(leaving, ref, "project.content")).toBe(false);
    await orgs.removeMember(members.OWNER, { slug, userId: leaving.id });
    expect(await fx.service.mayStill(leaving, ref, "project.read")).toBe(false);
    expect(await fx.service.mayStill(stranger, ref, "project.read")).toBe(false);
  });

  it("left the shared project as it was", async () => {
    const p = await fx.service.getProject(members.OWNER, ref);
    expect({ name: p.name, status: p.status, organizationId: p.organizationId }).toEqual({ name: "Shared", status: "ACTIVE_HEALTHY", organizationId: slug });
  });
});

// Moving a project (lib/projects/project-settings.ts transferProject): it needs
// project.settings where it is and project.create where it goes, so Owner or
// Administrator on both sides (Supabase's page: transferring projects out is
// an Owner's and an Administrator's). Every role here × every role there.
const MAY_MOVE: Record<OrgRole, boolean> = { OWNER: Y, ADMINISTRATOR: Y, DEVELOPER: N, READ_ONLY: N };

describe("moving a project, role here × role there", () => {
  let target: string;
  const movers = {} as Record<string, SessionUser>;
  beforeAll(async () => {
    target = (await orgs.create(members.OWNER, { name: "Elsewhere" })).slug;
    for (const here of ORG_ROLES)
      for (const there of ORG_ROLES) {
        const u = await addUser(fx.db, `move-${here}-${there}@example.com`.toLowerCase());
        await orgs.addMember(members.OWNER, { slug, email: u.email, role: here });
        await orgs.addMember(members.OWNER, { slug: target, email: u.email, role: there });
        movers[`${here}>${there}`] = u;
      }
  });

  for (const here of ORG_ROLES)
    for (const there of ORG_ROLES) {
      const allowed = MAY_MOVE[here] && MAY_MOVE[there];
      it(`${here} here, ${there} there ${allowed ? "may" : "may not"} move it`, async () => {
        const call = fx.service.transferProject(movers[`${here}>${there}`], { ref, organization: target });
        if (!allowed) return expect(call).rejects.toThrow(ForbiddenError);
        await expect(call).resolves.toEqual({ ref, organizationId: target });
        expect((await fx.service.getProject(members.OWNER, ref)).organizationId).toBe(target);
        await fx.service.transferProject(members.OWNER, { ref, organization: slug });
      });
    }

  it("an Owner here may not move it into an organization they are not in, and learns nothing of it: 404", async () => {
    const foreign = (await orgs.create(stranger, { name: "Not theirs" })).slug;
    await expect(fx.service.transferProject(members.OWNER, { ref, organization: foreign })).rejects.toThrow(NotFoundError);
  });

  it("a stranger may not move it: 404", async () => {
    await expect(fx.service.transferProject(stranger, { ref, organization: target })).rejects.toThrow(NotFoundError);
  });

  it("left it where it was", async () => {
    expect((await fx.service.getProject(members.OWNER, ref)).organizationId).toBe(slug);
  });
});
