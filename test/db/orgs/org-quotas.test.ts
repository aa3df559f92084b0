// Quotas and plans per organization (lib/projects/org-quota.ts) on a real
// migrated SQLite database and the strict fake engine: members creating in one
// organization share its quota (one after the other and at once), a personal
// organization keeps its user's quota, and an organization's plan sets its
// new projects' budget.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ForbiddenError, InvalidStateError, QuotaExceededError } from "@/lib/errors";
import { OrganizationService } from "@/lib/orgs/service";
import { PlanService } from "@/lib/admin/plans";
import { STATUS } from "@/lib/domain";
import type { SessionUser } from "@/lib/auth/actor";
import { addUser, projectServiceFixture, tempFolder, type ProjectFixture } from "@/test/support/project-service-fixture";

const dir = tempFolder("org-quotas");
let fx: ProjectFixture;
let orgs: OrganizationService;
let plans: PlanService;
let admin: SessionUser;
let n = 0;

beforeAll(async () => {
  fx = await projectServiceFixture({ dir });
  orgs = new OrganizationService(fx.db);
  plans = new PlanService(fx.db);
  admin = await addUser(fx.db, "admin@example.com", { role: "ADMIN" });
});

afterAll(async () => {
  await fx.service.waitForAllJobs();
  await fx.db.$disconnect();
});

/** An organization with an Owner and an Administrator, each with a personal quota far above the organization's. */
async function team(quota: number) {
  const owner = await addUser(fx.db, `owner-${++n}@example.com`, { projectQuota: 50 });
  const adminMember = await addUser(fx.db, `admin-${n}@example.com`, { projectQuota: 50 });
  const { slug } = await orgs.create(owner, { name: `Team ${n}` });
  await orgs.addMember(owner, { slug, email: adminMember.email, role: "ADMINISTRATOR" });
  await plans.setOrganizationLimits(admin, { slug, projectQuota: quota, planId: null });
  return { owner, member: adminMember, slug };
}

const live = (organizationId: string) => fx.db.project.count({ where: { organizationId, status: { not: STATUS.REMOVED } } });

describe("quotas per organization", () => {
  it("in organizations on the defaults the creator's own quota also holds, so twenty organizations are not twenty quotas", async () => {
    const maker = await addUser(fx.db, `maker-${++n}@example.com`, { projectQuota: 2 });
    const a = await orgs.create(maker, { name: `Side ${n}a` });
    const b = await orgs.create(maker, { name: `Side ${n}b` });
    await fx.service.createProject(maker, { name: "A1", organization: a.slug });
    await fx.service.createProject(maker, { name: "B1", organization: b.slug });
    // Both organizations have room by their own (default) quota; the creator has none left.
    await expect(fx.service.createProject(maker, { name: "B2", organization: b.slug })).rejects.toThrow(/Project limit reached \(2\)/);
    expect(await live(b.slug)).toBe(1);
    // An organization an administrator granted a quota to counts only against that quota.
    await plans.setOrganizationLimits(admin, { slug: b.slug, projectQuota: 3, planId: null });
    await expect(fx.service.createProject(maker, { name: "B2", organization: b.slug })).resolves.toMatchObject({ name: "B2" });
    await fx.service.waitForAllJobs();
    // The host's capacity is shared with the next tests.
    for (const p of await fx.db.project.findMany({ where: { ownerId: maker.id } })) await fx.service.deleteProject(maker, { ref: p.ref, confirmRef: p.ref });
    await fx.service.waitForAllJobs();
  });

  it("two members creating in one organization share its quota", async () => {
    const { owner, member, slug } = await team(2);
    await fx.service.createProject(owner, { name: "One", organization: slug });
    await fx.service.createProject(member, { name: "Two", organization: slug });
    await expect(fx.service.createProject(member, { name: "Three", organization: slug })).rejects.toThrow(QuotaExceededError);
    await expect(fx.service.createProject(owner, { name: "Three", organization: slug })).rejects.toThrow(/Project limit reached \(2\)/);
    expect(await live(slug)).toBe(2);
    // Their personal organizations are not touched by the team's count.
    await expect(fx.service.createProject(member, { name: "Mine" })).resolves.toMatchObject({ name: "Mine" });
    await fx.service.waitForAllJobs();
    // A delete frees room for anyone in it.
    const [first] = await fx.db.project.findMany({ where: { organizationId: slug }, orderBy: { createdAt: "asc" } });
    await fx.service.deleteProject(owner, { ref: first!.ref, confirmRef: first!.ref });
    await fx.service.waitForAllJobs();
    await expect(fx.service.createProject(member, { name: "Three", organization: slug })).resolves.toMatchObject({ name: "Three" });
    await fx.service.waitForAllJobs();
  });

  it("creates at once by two members take the last place only once", async () => {
    const { owner, member, slug } = await team(3);
    await fx.service.createProject(owner, { name: "Base", organization: slug });
    await fx.service.createProject(owner, { name: "Base 2", organization: slug });
    const outcomes = await Promise.allSettled([
      fx.service.createProject(owner, { name: "Race A", organization: slug }),
      fx.another().createProject(member, { name: "Race B", organization: slug }),
    ]);
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    const refused = outcomes.find((o) => o.status === "rejected") as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(QuotaExceededError);
    expect(await live(slug)).toBe(3);
    await fx.service.waitForAllJobs();
  });

  it("a personal organization keeps its user's quota; only administrators set an organization's, and not a personal one's", async () => {
    const solo = await addUser(fx.db, `solo-${++n}@example.com`, { projectQuota: 1 });
    await fx.service.createProject(solo, { name: "Only" });
    await expect(fx.service.createProject(solo, { name: "Second" })).rejects.toThrow(/Project limit reached \(1\)/);
    expect(await fx.service.quotaFor(solo)).toEqual({ used: 1, limit: 1 });
    await expect(plans.setOrganizationLimits(admin, { slug: solo.id, projectQuota: 5, planId: null })).rejects.toThrow(InvalidStateError);
    const { owner, slug } = await team(1);
    await expect(plans.setOrganizationLimits(owner, { slug, projectQuota: 5, planId: null })).rejects.toThrow(ForbiddenError);
    await fx.service.waitForAllJobs();
  });

  it("an organization's plan sets its new and live projects' budget", async () => {
    await plans.save(admin, { name: `Org plan ${++n}`, memoryMb: 3072, cpus: 3 });
    const plan = (await plans.list(admin)).find((p) => p.name === `Org plan ${n}`)!;
    const { owner, slug } = await team(5);
    const before = await fx.service.createProject(owner, { name: "Before", organization: slug });
    await plans.setOrganizationLimits(admin, { slug, projectQuota: 5, planId: plan.id });
    const after = await fx.service.createProject(owner, { name: "After", organization: slug });
    const rows = await fx.db.project.findMany({ where: { ref: { in: [before.ref, after.ref] } }, select: { memoryMb: true, milliCpus: true } });
    expect(rows).toEqual([
      { memoryMb: 3072, milliCpus: 3000 },
      { memoryMb: 3072, milliCpus: 3000 },
    ]);
    // The creator's own plan does not decide a team project's budget.
    expect((await fx.db.user.findUniqueOrThrow({ where: { id: owner.id } })).planId).toBeNull();
    await fx.service.waitForAllJobs();
  });
});
