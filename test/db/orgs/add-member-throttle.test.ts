// "Add an existing account" tells whether an address has an account, so it is
// capped (lib/orgs/throttle.ts) per person adding and per organization, on the
// installation's real limiter in a real migrated SQLite database.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NotFoundError, RateLimitedError } from "@/lib/errors";
import { OrganizationService } from "@/lib/orgs/service";
import { ADD_MEMBER_CAPS } from "@/lib/orgs/throttle";
import { RateLimiter, limitKey } from "@/lib/rate-limit/limiter";
import { DEFAULT_MAX_BLOCK_SEC, DEFAULT_RULES, parseRule, type RateLimitName, type RateLimitRule } from "@/lib/rate-limit/rules";
import type { SessionUser } from "@/lib/auth/actor";
import { addUser, projectServiceFixture, tempFolder, type ProjectFixture } from "@/test/support/project-service-fixture";

const dir = tempFolder("add-member-throttle");
let fx: ProjectFixture;
let orgs: OrganizationService;
let n = 0;
const user = () => addUser(fx.db, `person-${++n}@example.com`);
const unknown = () => `nobody-${++n}@example.com`;

beforeAll(async () => {
  fx = await projectServiceFixture({ dir });
  const rules = Object.fromEntries(Object.entries(DEFAULT_RULES).map(([k, v]) => [k, parseRule(v) as RateLimitRule])) as Record<RateLimitName, RateLimitRule>;
  orgs = new OrganizationService(fx.db, new RateLimiter(fx.db, { rules, maxBlockSec: DEFAULT_MAX_BLOCK_SEC }));
});

afterAll(async () => {
  await fx.db.$disconnect();
});

/** `count` attempts by `by` to add unknown addresses: each answers "no account" until the cap. */
async function probe(by: SessionUser, slug: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await expect(orgs.addMember(by, { slug, email: unknown(), role: "DEVELOPER" })).rejects.toThrow(NotFoundError);
}

describe("adding a member by email", () => {
  it("is capped per person: past the cap even a real account is refused with 429, while another Owner may still add", async () => {
    const [alice, bob, real] = [await user(), await user(), await user()];
    const { slug } = await orgs.create(alice, { name: "Probed" });
    await orgs.addMember(alice, { slug, email: bob.email, role: "OWNER" });
    await probe(alice, slug, ADD_MEMBER_CAPS.user.points - 1);
    const refused = await orgs.addMember(alice, { slug, email: real.email, role: "DEVELOPER" }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RateLimitedError);
    expect((refused as RateLimitedError).message).toMatch(/^Too many members added \(by you\)\. Try again in \d+ s\.$/);
    await expect(orgs.addMember(bob, { slug, email: real.email, role: "DEVELOPER" })).resolves.toMatchObject({ userId: real.id, role: "DEVELOPER" });
  });

  it("is capped per organization, whoever of its Owners and Administrators adds", async () => {
    const admins = [await user(), await user(), await user()];
    const { slug } = await orgs.create(admins[0], { name: "Busy" });
    for (const a of admins.slice(1)) await orgs.addMember(admins[0], { slug, email: a.email, role: "ADMINISTRATOR" });
    // admins[0] used 2 of their own points; the organization 2 of its.
    const perPerson = ADD_MEMBER_CAPS.user.points - 2;
    let left = ADD_MEMBER_CAPS.organization.points - 2;
    for (const a of admins) {
      const take = Math.min(left, a === admins[0] ? perPerson : ADD_MEMBER_CAPS.user.points - 1);
      await probe(a, slug, take);
      left -= take;
    }
    expect(left).toBe(0);
    const refused = await orgs.addMember(admins[2], { slug, email: unknown(), role: "DEVELOPER" }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RateLimitedError);
    expect((refused as RateLimitedError).message).toMatch(/^Too many members added to this organization\./);
  });

  it("charges an organization's counter only after the role check: an outsider cannot use it up", async () => {
    const [owner, outsider] = [await user(), await user()];
    const org = await orgs.create(owner, { name: "Targeted" });
    for (let i = 0; i < ADD_MEMBER_CAPS.user.points; i++)
      await expect(orgs.addMember(outsider, { slug: org.slug, email: unknown(), role: "DEVELOPER" })).rejects.toThrow(NotFoundError);
    await expect(orgs.addMember(outsider, { slug: org.slug, email: unknown(), role: "DEVELOPER" })).rejects.toThrow(RateLimitedError);
    const orgKeys = () => fx.db.rateLimiterFlexible.findMany({ where: { key: { contains: limitKey(org.id) } } });
    expect(await orgKeys()).toEqual([]);
    // The counter is there once a member of it adds: the check above looked in the right place.
    await expect(orgs.addMember(owner, { slug: org.slug, email: unknown(), role: "DEVELOPER" })).rejects.toThrow(NotFoundError);
    expect((await orgKeys()).map((r) => r.points)).toEqual([1]);
  });
});
