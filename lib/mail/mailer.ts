// The platform's own mail (account confirmation, password reset) through the
// installation's SMTP settings (lib/env-mail.ts), with nodemailer.
import nodemailer from "nodemailer";
import type { MailEnv } from "@/lib/env-mail";

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<void>;
}

export function smtpMailer(config: MailEnv): Mailer {
  const transport = nodemailer.createTransport({
    host: config.host,
    port: config.port,
    secure: config.tls === "implicit",
    // starttls: refuse to send (or authenticate) if the server does not upgrade.
    requireTLS: config.tls === "starttls",
    // none: never upgrade, even when offered (a local relay with no certificate).
    ignoreTLS: config.tls === "none",
    auth: config.auth,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 30_000,
  });
  return {
    async send(mail) {
      await transport.sendMail({ from: config.from, to: mail.to, subject: mail.subject, text: mail.text });
    },
  };
}

let cached: { config: MailEnv; mailer: Mailer } | undefined;

/** The process's mailer for these settings; undefined when the installation has none. */
export function mailerFor(config: MailEnv | undefined): Mailer | undefined {
  if (!config) return undefined;
  const entry = cached?.config === config ? cached : { config, mailer: smtpMailer(config) };
  cached = entry;
  return entry.mailer;
}
