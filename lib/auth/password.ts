// Argon2id (memory-hard) through @node-rs/argon2. Its defaults follow OWASP's
// minimum (19 MiB, t=2, p=1); the parameters are stored in each hash, so
// raising them later still verifies old hashes.
import { hash, verify } from "@node-rs/argon2";

export async function hashPassword(password: string): Promise<string> {
  return hash(password);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    // A malformed stored hash must read as "wrong password", not crash login.
    return false;
  }
}

// Verifying against a real hash when the user does not exist keeps the
// response time the same, so login does not reveal which emails exist.
let dummy: Promise<string> | undefined;
export async function burnPasswordCheck(password: string): Promise<void> {
  dummy ??= hash("supafleet-timing-equaliser");
  await verifyPassword(await dummy, password);
}
