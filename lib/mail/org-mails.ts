// The words of an organization's invitation mail (issue 31). The link points
// at the public address (lib/env.ts publicAppUrl), as the account mails' do.
import type { OutgoingMail } from "@/lib/mail/mailer";

/** Where an invitation is accepted: `publicUrl` empty gives a path on the current site. */
export function invitationLink(publicUrl: string, token: string): string {
  return `${publicUrl}/invitations/accept?token=${encodeURIComponent(token)}`;
}

export function invitationMail(to: string, link: string, what: { organization: string; role: string; inviter: string; expiresAt: string }): OutgoingMail {
  return {
    to,
    subject: `You are invited to ${what.organization} on Supafleet`,
    text: [
      `${what.inviter} invited you to join the organization "${what.organization}" on Supafleet as ${what.role}.`,
      "",
      "Sign in (or create an account) with this address, then accept here:",
      link,
      "",
      `The link works once, only for ${to}, until ${what.expiresAt} (24 hours). If you do not know why you got this, ignore it.`,
    ].join("\n"),
  };
}
