// The admin console's organizations (lib/admin/organizations.ts): members,
// live projects and Owners counted by the service, admins only; on a real
// migrated SQLite database and the strict fake engine.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ForbiddenError } from "@/lib/errors";
import { listOrganizations } from "@/lib/admin/organizations";
import { OrganizationService } from "@/lib/orgs/service";
import { addUser, projectServiceFixture, tempFolder, type ProjectFixture } from "@/test/support/project-service-fixture";

const dir = tempFolder("admin-organizations");
let fx: ProjectFixture;
let orgs: OrganizationService;

beforeAll(async () => {
  fx = await projectServiceFixture({ dir });
  orgs = new OrganizationService(fx.db);
});

afterAll(async () => {
  await fx.service.waitForAllJobs();
  await fx.db.$disconnect();
});

describe("the admin console's organizations", () => {
  it("counts members and live projects and names the Owners, for admins only", async () => {
    const admin = await addUser(fx.db, "root@example.com", { role: "ADMIN" });
    const owner = await addUser(fx.db, "owner@example.com", { projectQuota: 5 });
    const second = await addUser(fx.db, "second@example.com");
    const dev = await addUser(fx.db, "dev@example.com");
    const acme = await orgs.create(owner, { name: "Acme Widgets" });
    await orgs.addMember(owner, { slug: acme.slug, email: second.email, role: "OWNER" });
    await orgs.addMember(owner, { slug: acme.slug, email: dev.email, role: "DEVELOPER" });
    const kept = await fx.service.createProject(owner, { name: "Kept", organization: acme.slug });
    const gone = await fx.service.createProject(owner, { name: "Gone", organization: acme.slug });
    await fx.service.createProject(owner, { name: "Personal" });
    await fx.service.waitForAllJobs();
    await fx.service.deleteProject(owner, { ref: gone.ref, confirmRef: gone.ref });
    await fx.service.waitForAllJobs();

    const { total, organizations } = await listOrganizations(fx.db, admin, {});
    const row = organizations.find((o) => o.slug === acme.slug);
    expect(row).toMatchObject({ name: "Acme Widgets", personal: false, memberCount: 3, projectCount: 1, owners: ["owner@example.com", "second@example.com"] });
    expect(organizations.find((o) => o.slug === owner.id)).toMatchObject({ personal: true, memberCount: 1, projectCount: 1, owners: [owner.email] });
    expect(total).toBe(organizations.length);
    expect((await fx.service.getProject(owner, kept.ref)).organizationId).toBe(acme.slug);

    // A search narrows it by name or slug.
    expect((await listOrganizations(fx.db, admin, { query: "Widgets" })).organizations.map((o) => o.slug)).toEqual([acme.slug]);
    expect((await listOrganizations(fx.db, admin, { query: acme.slug })).organizations.map((o) => o.slug)).toEqual([acme.slug]);
    // Not an admin: refused.
    await expect(listOrganizations(fx.db, owner, {})).rejects.toThrow(ForbiddenError);
  });
});
