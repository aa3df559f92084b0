// The organization service's rules (lib/orgs/service.ts) and the Management
// API's organization operations in upstream's shapes, on a real migrated
// SQLite database and the strict fake engine.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ForbiddenError, InvalidStateError, LastOwnerError, NotFoundError, OrganizationLimitError, ValidationError } from "@/lib/errors";
import { OrganizationService } from "@/lib/orgs/service";
import { MAX_OWNED_ORGANIZATIONS } from "@/lib/orgs/permissions";
import { ManagementApi } from "@/lib/api/management-api";
import { organizationMemberSchema, organizationSchema, projectSchema } from "@/lib/api/schemas";
import type { SessionUser } from "@/lib/auth/actor";
import { addUser, projectServiceFixture, tempFolder, type ProjectFixture } from "@/test/support/project-service-fixture";

const dir = tempFolder("organizations");
let fx: ProjectFixture;
let orgs: OrganizationService;
let api: ManagementApi;
let n = 0;
const as = (user: SessionUser) => ({ user, tokenId: `token-of-${user.id}`, admin: false });
const user = (opts: { projectQuota?: number } = {}) => addUser(fx.db, `user-${++n}@example.com`, opts);

beforeAll(async () => {
  fx = await projectServiceFixture({ dir });
  orgs = new OrganizationService(fx.db);
  api = new ManagementApi(fx.service, { dbImage: "supabase/postgres:17.6.1.054", databaseHost: "127.0.0.1", organizations: orgs });
});

afterAll(async () => {
  await fx.service.waitForAllJobs();
  await fx.db.$disconnect();
});

describe("organizations", () => {
  it("makes the creator Owner, lists the personal organization first, and hides others' organizations", async () => {
    const alice = await user();
    const bob = await user();
    const acme = await orgs.create(alice, { name: "Acme" });
    expect(acme).toMatchObject({ name: "Acme", role: "OWNER", personal: false });
    expect(acme.slug).toMatch(/^[a-z]{20}$/);
    expect((await orgs.listMine(alice)).map((o) => [o.slug, o.role, o.personal])).toEqual([
      [alice.id, "OWNER", true],
      [acme.slug, "OWNER", false],
    ]);
    await expect(orgs.get(bob, acme.slug)).rejects.toThrow(NotFoundError);
    await expect(orgs.listMembers(bob, acme.slug)).rejects.toThrow(NotFoundError);
    await expect(orgs.get(bob, "../etc")).rejects.toThrow(NotFoundError);
    await expect(orgs.create(alice, { name: "<script>" })).rejects.toThrow(ValidationError);
  });

  it("keeps at least one Owner, even when two Owners demote each other at once", async () => {
    const [a, b] = [await user(), await user()];
    const { slug } = await orgs.create(a, { name: "Pair" });
    await expect(orgs.changeRole(a, { slug, userId: a.id, role: "DEVELOPER" })).rejects.toThrow(LastOwnerError);
    await expect(orgs.removeMember(a, { slug, userId: a.id })).rejects.toThrow(LastOwnerError);
    await orgs.addMember(a, { slug, email: b.email, role: "OWNER" });
    const results = await Promise.allSettled([
      orgs.changeRole(a, { slug, userId: b.id, role: "DEVELOPER" }),
      orgs.changeRole(b, { slug, userId: a.id, role: "DEVELOPER" }),
    ]);
    const owners = (await orgs.listMembers(a, slug).catch(() => orgs.listMembers(b, slug))).filter((m) => m.role === "OWNER");
    expect(owners).toHaveLength(1);
    // The second, serialised behind the first, finds itself no longer Owner (Forbidden) or the other the last one (LastOwner).
    const refused = results.filter((r) => r.status === "rejected").map((r) => (r as PromiseRejectedResult).reason as Error);
    expect(refused).toHaveLength(1);
    expect(refused[0]!.constructor === ForbiddenError || refused[0]!.constructor === LastOwnerError).toBe(true);
  });

  it("keeps a user the Owner of their personal organization", async () => {
    const a = await user();
    const b = await user();
    await orgs.addMember(a, { slug: a.id, email: b.email, role: "OWNER" });
    await expect(orgs.changeRole(b, { slug: a.id, userId: a.id, role: "READ_ONLY" })).rejects.toThrow(InvalidStateError);
    await expect(orgs.removeMember(b, { slug: a.id, userId: a.id })).rejects.toThrow(InvalidStateError);
  });

  it("lets Administrators manage Developers but not Owners; anyone may leave", async () => {
    const [owner, admin, dev, ro] = [await user(), await user(), await user(), await user()];
    const { slug } = await orgs.create(owner, { name: "Team" });
    await orgs.addMember(owner, { slug, email: admin.email, role: "ADMINISTRATOR" });
    await orgs.addMember(admin, { slug, email: dev.email, role: "DEVELOPER" });
    await expect(orgs.addMember(admin, { slug, email: ro.email, role: "OWNER" })).rejects.toThrow(ForbiddenError);
    await expect(orgs.changeRole(admin, { slug, userId: owner.id, role: "DEVELOPER" })).rejects.toThrow(ForbiddenError);
    await expect(orgs.changeRole(admin, { slug, userId: dev.id, role: "OWNER" })).rejects.toThrow(ForbiddenError);
    await expect(orgs.removeMember(dev, { slug, userId: admin.id })).rejects.toThrow(ForbiddenError);
    await expect(orgs.addMember(admin, { slug, email: dev.email, role: "READ_ONLY" })).rejects.toThrow(/already a member/);
    await expect(orgs.addMember(admin, { slug, email: "nobody@example.com", role: "READ_ONLY" })).rejects.toThrow(NotFoundError);
    await orgs.changeRole(admin, { slug, userId: dev.id, role: "READ_ONLY" });
    await orgs.removeMember(dev, { slug, userId: dev.id });
    expect((await orgs.listMembers(owner, slug)).map((m) => m.role)).toEqual(["OWNER", "ADMINISTRATOR"]);
  });

  it("closes a removed member's access to the organization's projects at once", async () => {
    const [owner, dev] = [await user({ projectQuota: 2 }), await user()];
    const { slug } = await orgs.create(owner, { name: "Shop" });
    const { ref } = await fx.service.createProject(owner, { name: "Store", organization: slug });
    await fx.service.waitForAllJobs();
    await orgs.addMember(owner, { slug, email: dev.email, role: "DEVELOPER" });
    expect((await fx.service.getProjectDetails(dev, ref)).ref).toBe(ref);
    expect((await fx.service.listProjects(dev)).map((p) => p.ref)).toContain(ref);
    await orgs.removeMember(owner, { slug, userId: dev.id });
    await expect(fx.service.getProject(dev, ref)).rejects.toThrow(NotFoundError);
    await expect(fx.service.getProjectDetails(dev, ref)).rejects.toThrow(NotFoundError);
    expect((await fx.service.listProjects(dev)).map((p) => p.ref)).not.toContain(ref);
  });

  it(`caps the organizations one user owns at ${MAX_OWNED_ORGANIZATIONS}`, async () => {
    const a = await user();
    for (let i = 0; i < MAX_OWNED_ORGANIZATIONS; i++) await orgs.create(a, { name: `Org ${i}` });
    await expect(orgs.create(a, { name: "One too many" })).rejects.toThrow(OrganizationLimitError);
  });
});

describe("the Management API's organization operations", () => {
  type Upstream = { components: { schemas: Record<string, { required?: string[]; properties: Record<string, unknown> }> } };
  const upstream = JSON.parse(readFileSync("test/fixtures/upstream-openapi-organizations.json", "utf8")) as Upstream;
  const requiredOf = (name: string) => upstream.components.schemas[name]!.required ?? [];

  it("answer in upstream's shapes, with a token acting with its owner's role", async () => {
    const [owner, dev] = [await user({ projectQuota: 2 }), await user({ projectQuota: 2 })];
    const created = await api.createOrganization(as(owner), { name: "Api Org" });
    expect(organizationSchema.strict().parse(created)).toEqual({ id: created.slug, slug: created.slug, name: "Api Org" });
    for (const key of requiredOf("OrganizationResponseV1")) expect(created).toHaveProperty(key);
    expect((await api.listOrganizations(as(owner))).map((o) => o.slug)).toEqual([owner.id, created.slug]);
    expect(await api.getOrganization(as(owner), created.slug)).toEqual({
      id: created.slug,
      name: "Api Org",
      opt_in_tags: [],
      allowed_release_channels: ["ga"],
    });

    await orgs.addMember(owner, { slug: created.slug, email: dev.email, role: "DEVELOPER" });
    const members = await api.listOrganizationMembers(as(dev), created.slug);
    for (const m of members) {
      expect(organizationMemberSchema.strict().parse(m)).toEqual(m);
      for (const key of requiredOf("V1OrganizationMemberResponse")) expect(m).toHaveProperty(key);
    }
    expect(members.map((m) => [m.email, m.role_name])).toEqual([
      [owner.email, "Owner"],
      [dev.email, "Developer"],
    ]);

    // Projects are made in the organization named, if the role there allows it.
    const body = { name: "In org", organization_slug: created.slug, db_pass: "unused" };
    await expect(api.createProject({ ...as(dev), address: "127.0.0.1" }, body)).rejects.toThrow(ForbiddenError);
    const p = await api.createProject({ ...as(owner), address: "127.0.0.1" }, body);
    expect(projectSchema.strict().parse(p)).toMatchObject({ organization_id: created.slug, organization_slug: created.slug });
    await fx.service.waitForAllJobs();
    expect((await api.listProjects(as(dev))).map((x) => [x.ref, x.organization_slug])).toEqual([[p.ref, created.slug]]);
    await expect(api.createProject({ ...as(dev), address: "127.0.0.1" }, { ...body, organization_slug: owner.id })).rejects.toThrow(NotFoundError);
  });
});

describe("moving a project between organizations", () => {
  it("needs Owner or Administrator in both, and changes who may act on it, not the project", async () => {
    const [owner, admin, dev] = [await user({ projectQuota: 2 }), await user(), await user()];
    const a = await orgs.create(owner, { name: "From" });
    const b = await orgs.create(owner, { name: "To" });
    const { ref } = await fx.service.createProject(owner, { name: "Moving", organization: a.slug });
    await fx.service.waitForAllJobs();
    const before = await fx.service.getProjectDetails(owner, ref);
    await orgs.addMember(owner, { slug: a.slug, email: admin.email, role: "ADMINISTRATOR" });
    await orgs.addMember(owner, { slug: b.slug, email: admin.email, role: "DEVELOPER" });
    await orgs.addMember(owner, { slug: a.slug, email: dev.email, role: "DEVELOPER" });
    // Administrator here, only Developer there: refused; a Developer may not move it at all.
    await expect(fx.service.transferProject(admin, { ref, organization: b.slug })).rejects.toThrow(ForbiddenError);
    await expect(fx.service.transferProject(dev, { ref, organization: b.slug })).rejects.toThrow(ForbiddenError);
    await expect(fx.service.transferProject(owner, { ref, organization: "nowhere" })).rejects.toThrow(NotFoundError);
    await fx.service.transferProject(owner, { ref, organization: b.slug });
    const after = await fx.service.getProjectDetails(owner, ref);
    expect(after.organizationId).toBe(b.slug);
    expect({ ...after, organizationId: undefined }).toEqual({ ...before, organizationId: undefined });
    // A's Developer lost it; B's Developer (admin) now runs it.
    await expect(fx.service.getProject(dev, ref)).rejects.toThrow(NotFoundError);
    expect((await fx.service.getProjectDetails(admin, ref)).ref).toBe(ref);
  });
});
