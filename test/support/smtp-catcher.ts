// A real SMTP server (npm smtp-server) that keeps every mail it is sent,
// parsed by mailparser, for tests that read what a project's Auth mails.
// It offers CRAM-MD5 only, no STARTTLS: GoTrue's mailer (gomail) then
// authenticates with the project's SMTP user and password over plain TCP,
// which the catcher checks, and a wrong password fails the mail.
import { createServer, type AddressInfo } from "node:net";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";

export interface CaughtMail {
  user: string | undefined;
  envelopeFrom: string;
  envelopeTo: string[];
  mail: ParsedMail;
}

export interface SmtpCatcher {
  port: number;
  mails: CaughtMail[];
  /** The next mail to `to`, waiting up to timeoutMs. */
  next(to: string, timeoutMs?: number): Promise<CaughtMail>;
  close(): Promise<void>;
}

async function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "0.0.0.0", () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export async function startSmtpCatcher(credentials: { user: string; pass: string }): Promise<SmtpCatcher> {
  const mails: CaughtMail[] = [];
  const seen = new Map<string, number>();
  const server = new SMTPServer({
    authMethods: ["CRAM-MD5"],
    allowInsecureAuth: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === credentials.user && auth.validatePassword?.(credentials.pass)) cb(null, { user: auth.username });
      else cb(new Error("Invalid username or password"));
    },
    onData(stream, session, cb) {
      simpleParser(stream)
        .then((mail) => {
          mails.push({
            user: typeof session.user === "string" ? session.user : undefined,
            envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
            envelopeTo: session.envelope.rcptTo.map((r) => r.address),
            mail,
          });
          cb();
        })
        .catch((err: Error) => cb(err));
    },
  });
  const port = await freeTcpPort();
  // On every address: the auth container reaches it through its network's gateway.
  await new Promise<void>((resolve) => server.listen(port, "0.0.0.0", resolve));
  return {
    port,
    mails,
    async next(to, timeoutMs = 30_000) {
      const from = seen.get(to) ?? 0;
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const i = mails.findIndex((m, idx) => idx >= from && m.envelopeTo.includes(to));
        if (i >= 0) {
          seen.set(to, i + 1);
          return mails[i]!;
        }
        if (Date.now() > deadline) throw new Error(`no mail to ${to} within ${timeoutMs} ms (caught: ${mails.length})`);
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
