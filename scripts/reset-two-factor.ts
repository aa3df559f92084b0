// Recovery for an account locked out of its two-factor authentication (a lost
// phone), run by the operator on the host, with the app's environment:
//   npx tsx scripts/reset-two-factor.ts admin@example.com
// It turns TOTP off for that account and signs out all its sessions. An
// administrator is then sent to set TOTP up again at the next login. Whoever
// can run this already holds the database and the master key.
import { createDb } from "@/lib/db/client";
import { getEnv } from "@/lib/env";
import { resetTotpByOperator } from "@/lib/users/two-factor";

const email = process.argv[2];
if (!email) {
  console.error("usage: npx tsx scripts/reset-two-factor.ts <account email>");
  process.exit(2);
}

const db = createDb(getEnv().databaseUrl);
resetTotpByOperator(db, email)
  .then((r) => {
    console.info(`two-factor authentication is off for ${email} (${r.role}); its sessions are signed out.`);
    return db.$disconnect();
  })
  .catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
