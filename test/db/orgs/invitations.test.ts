// Invitations (lib/orgs/invitations.ts) on a real migrated SQLite database:
// who may invite which role, acceptance only by the invited address, once,
// before it expires, and revocation.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConflictError, ForbiddenError, NotFoundError } from "@/lib/errors";
import { INVITATION_TTL_MS, InvitationService } from "@/lib/orgs/invitations";
import { OrganizationService } from "@/lib/orgs/service";
import type { SessionUser } from "@/lib/auth/actor";
import { addUser, openTestDb, tempFolder } from "@/test/support/project-service-fixture";
import type { Db } from "@/lib/db/client";

const dir = tempFolder("invitations");
let db: Db;
let orgs: OrganizationService;
let invites: InvitationService;
let n = 0;
const user = () => addUser(db, `inv-${++n}@example.com`);

beforeAll(async () => {
  db = (await openTestDb(dir)).db;
  orgs = new OrganizationService(db);
  invites = new InvitationService(db);
});

afterAll(async () => {
  await db.$disconnect();
});

async function team(): Promise<{ owner: SessionUser; admin: SessionUser; dev: SessionUser; slug: string }> {
  const [owner, admin, dev] = [await user(), await user(), await user()];
  const { slug } = await orgs.create(owner, { name: "Invites" });
  await orgs.addMember(owner, { slug, email: admin.email, role: "ADMINISTRATOR" });
  await orgs.addMember(owner, { slug, email: dev.email, role: "DEVELOPER" });
  return { owner, admin, dev, slug };
}

describe("invitations", () => {
  it("are accepted once, only by the invited address, with the invited role", async () => {
    const { admin, slug } = await team();
    const [invitee, other] = [await user(), await user()];
    const { token } = await invites.invite(admin, { slug, email: invitee.email.toUpperCase(), role: "DEVELOPER" });
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await invites.list(admin, slug)).map((i) => [i.email, i.role])).toEqual([[invitee.email, "DEVELOPER"]]);
    await expect(invites.accept(other, { token })).rejects.toThrow(ForbiddenError);
    expect(await invites.accept(invitee, { token })).toEqual({ slug, role: "DEVELOPER" });
    expect((await orgs.get(invitee, slug)).role).toBe("DEVELOPER");
    await expect(invites.accept(invitee, { token })).rejects.toThrow(NotFoundError);
    expect(await invites.list(admin, slug)).toEqual([]);
    // The database holds only the token's hash.
    expect(await db.invitation.count({ where: { tokenHash: token } })).toBe(0);
  });

  it("follow the role matrix: Administrators invite up to Administrator, Owners invite Owners, Developers nobody", async () => {
    const { owner, admin, dev, slug } = await team();
    const stranger = await user();
    await expect(invites.invite(admin, { slug, email: "x@example.com", role: "OWNER" })).rejects.toThrow(ForbiddenError);
    await expect(invites.invite(dev, { slug, email: "x@example.com", role: "READ_ONLY" })).rejects.toThrow(ForbiddenError);
    await expect(invites.invite(stranger, { slug, email: "x@example.com", role: "READ_ONLY" })).rejects.toThrow(NotFoundError);
    await expect(invites.list(dev, slug)).rejects.toThrow(ForbiddenError);
    await expect(invites.invite(owner, { slug, email: dev.email, role: "READ_ONLY" })).rejects.toThrow(ConflictError);
    const { id } = await invites.invite(owner, { slug, email: "new-owner@example.com", role: "OWNER" });
    await expect(invites.revoke(admin, { slug, id })).rejects.toThrow(ForbiddenError);
    await invites.revoke(owner, { slug, id });
    expect(await invites.list(owner, slug)).toEqual([]);
  });

  it("expire, and a revoked one cannot be accepted", async () => {
    const { owner, slug } = await team();
    const invitee = await user();
    const past = new Date(Date.now() - INVITATION_TTL_MS - 1000);
    const old = await invites.invite(owner, { slug, email: invitee.email, role: "READ_ONLY" }, past);
    await expect(invites.accept(invitee, { token: old.token })).rejects.toThrow(NotFoundError);
    const revoked = await invites.invite(owner, { slug, email: invitee.email, role: "READ_ONLY" });
    await invites.revoke(owner, { slug, id: revoked.id });
    await expect(invites.accept(invitee, { token: revoked.token })).rejects.toThrow(NotFoundError);
    await expect(invites.accept(invitee, { token: "not a token" })).rejects.toThrow(/highlighted fields/);
    await expect(orgs.get(invitee, slug)).rejects.toThrow(NotFoundError);
  });
});
