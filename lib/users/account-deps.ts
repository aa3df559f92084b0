// What the account flows (verification, reset, two-factor) need from the
// process: the database, the mailer (none without SMTP settings), the public
// address for links, the master key for sealing TOTP keys, and the throttles.
import type { Db } from "@/lib/db/client";
import type { Mailer } from "@/lib/mail/mailer";
import type { RateLimiter } from "@/lib/rate-limit/limiter";

export interface AccountDeps {
  db: Db;
  mailer: Mailer | undefined;
  publicUrl: string;
  masterKey: Buffer;
  limiter: RateLimiter;
}
