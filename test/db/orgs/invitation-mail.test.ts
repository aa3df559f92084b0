// Invitations through the installation's SMTP (lib/orgs/invitations.ts) on a
// real migrated SQLite database and a real SMTP server (test/support/
// smtp-catcher.ts): the mail reaches the invitee with a link that accepts;
// without SMTP, or when the server refuses, the link goes back to the inviter;
// and one organization's invitations are capped, not another's.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RateLimitedError } from "@/lib/errors";
import { InvitationService } from "@/lib/orgs/invitations";
import { OrganizationService } from "@/lib/orgs/service";
import { smtpMailer } from "@/lib/mail/mailer";
import { RateLimiter } from "@/lib/rate-limit/limiter";
import { DEFAULT_MAX_BLOCK_SEC, DEFAULT_RULES, parseRule, type RateLimitRule, type RateLimitName } from "@/lib/rate-limit/rules";
import type { Db } from "@/lib/db/client";
import { addUser, openTestDb, tempFolder } from "@/test/support/project-service-fixture";
import { startSmtpCatcher, type SmtpCatcher } from "@/test/support/smtp-catcher";
import { freePort } from "@/test/support/postgres-server";

const dir = tempFolder("invitation-mail");
const SMTP = { user: "mailer", pass: randomBytes(12).toString("hex") };
const PUBLIC = "https://panel.example.com";
let db: Db;
let catcher: SmtpCatcher;
let orgs: OrganizationService;
let limiter: RateLimiter;
let n = 0;

beforeAll(async () => {
  catcher = await startSmtpCatcher(SMTP);
  db = (await openTestDb(dir)).db;
  orgs = new OrganizationService(db);
  const rules = Object.fromEntries(Object.entries(DEFAULT_RULES).map(([k, v]) => [k, parseRule(v) as RateLimitRule])) as Record<RateLimitName, RateLimitRule>;
  limiter = new RateLimiter(db, { rules, maxBlockSec: DEFAULT_MAX_BLOCK_SEC });
});

afterAll(async () => {
  await catcher?.close();
  await db?.$disconnect();
});

const mailer = (port: number) => smtpMailer({ host: "127.0.0.1", port, tls: "none", auth: SMTP, from: "Supafleet <noreply@example.com>" });

async function team(name: string) {
  const owner = await addUser(db, `owner-${++n}@example.com`);
  const { slug } = await orgs.create(owner, { name });
  return { owner, slug };
}

describe("invitation mail", () => {
  it("mails the invitee a link that accepts", async () => {
    const invites = new InvitationService(db, { mailer: mailer(catcher.port), publicUrl: PUBLIC });
    const { owner, slug } = await team("Mailing Co");
    const invitee = await addUser(db, `invitee-${++n}@example.com`);
    const sent = await invites.invite(owner, { slug, email: invitee.email, role: "DEVELOPER" });
    expect(sent.mailed).toBe(true);
    const caught = await catcher.next(invitee.email);
    expect(caught.user).toBe(SMTP.user);
    expect(caught.mail.subject).toBe("You are invited to Mailing Co on Supafleet");
    const text = caught.mail.text ?? "";
    expect(text).toContain(owner.email);
    expect(text).toContain("Developer");
    const m = /(https:\/\/panel\.example\.com\/invitations\/accept\?token=)([A-Za-z0-9_-]{43})/.exec(text);
    expect(m, text).not.toBeNull();
    // The mailed link is the one the service made, and it accepts.
    expect(m![0]).toBe(sent.link);
    expect(await invites.accept(invitee, { token: m![2]! })).toEqual({ slug, role: "DEVELOPER" });
    expect((await orgs.get(invitee, slug)).role).toBe("DEVELOPER");
  });

  it("gives the link to the inviter without SMTP, and when the SMTP server cannot be reached", async () => {
    const { owner, slug } = await team("No Mail Co");
    const none = await new InvitationService(db, { publicUrl: PUBLIC }).invite(owner, { slug, email: "a@example.com", role: "READ_ONLY" });
    expect(none).toMatchObject({ mailed: false, link: `${PUBLIC}/invitations/accept?token=${none.token}` });
    const deadPort = await freePort();
    const refused = await new InvitationService(db, { mailer: mailer(deadPort), publicUrl: PUBLIC }).invite(owner, {
      slug,
      email: "b@example.com",
      role: "READ_ONLY",
    });
    expect(refused.mailed).toBe(false);
    expect(refused.link).toContain(refused.token);
  });

  it("caps one organization's invitations per window, whoever sends them, and not another's", async () => {
    const invites = new InvitationService(db, { limiter, perOrg: { points: 3, windowSec: 3600 } });
    const { owner, slug } = await team("Busy Co");
    const admin = await addUser(db, `admin-${++n}@example.com`);
    await orgs.addMember(owner, { slug, email: admin.email, role: "ADMINISTRATOR" });
    await invites.invite(owner, { slug, email: "c1@example.com", role: "READ_ONLY" });
    await invites.invite(admin, { slug, email: "c2@example.com", role: "READ_ONLY" });
    await invites.invite(owner, { slug, email: "c3@example.com", role: "READ_ONLY" });
    await expect(invites.invite(admin, { slug, email: "c4@example.com", role: "READ_ONLY" })).rejects.toThrow(RateLimitedError);
    // Refused before anything was written.
    expect((await invites.list(owner, slug)).map((i) => i.email).sort()).toEqual(["c1@example.com", "c2@example.com", "c3@example.com"]);
    const other = await team("Quiet Co");
    await expect(invites.invite(other.owner, { slug: other.slug, email: "d1@example.com", role: "READ_ONLY" })).resolves.toMatchObject({ mailed: false });
  });
});
