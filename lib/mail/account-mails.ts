// The words of the platform's account mails. Links point at the public
// address (lib/env.ts publicAppUrl), never at the app's own listening port.
import type { OutgoingMail } from "@/lib/mail/mailer";

export function verificationMail(to: string, publicUrl: string, token: string): OutgoingMail {
  const link = `${publicUrl}/verify-email?token=${encodeURIComponent(token)}`;
  return {
    to,
    subject: "Confirm your email address",
    text: [
      "Someone (hopefully you) created a Supafleet account with this address.",
      "",
      "Confirm it to create projects:",
      link,
      "",
      "The link works once and expires in 24 hours. If you did not sign up, ignore this mail.",
    ].join("\n"),
  };
}

export function passwordResetMail(to: string, publicUrl: string, token: string): OutgoingMail {
  const link = `${publicUrl}/reset-password?token=${encodeURIComponent(token)}`;
  return {
    to,
    subject: "Reset your password",
    text: [
      "Someone asked to reset the password of the Supafleet account with this address.",
      "",
      "Choose a new password here:",
      link,
      "",
      "The link works once and expires in 30 minutes. Setting a new password signs out every session of the account.",
      "If you did not ask for this, ignore this mail: your password stays as it is.",
    ].join("\n"),
  };
}

/** Finds the token in a mail's text (tests, and anyone reading a mail by hand). */
export function tokenFromMailText(text: string, path: "/verify-email" | "/reset-password"): string | undefined {
  const m = new RegExp(`${path}\\?token=([A-Za-z0-9_-]+)`).exec(text);
  return m?.[1];
}
