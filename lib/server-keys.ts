// Long-lived server secrets. Production must pass them in the environment
// (lib/env enforces the master key); in development they are generated once
// from the CSPRNG into the data directory with mode 0600, so the one-command
// start works and restarts keep sessions and project secrets readable.
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { getEnv, type Env } from "@/lib/env";
import { ConfigError } from "@/lib/errors";

function fileSecret(dataDir: string, name: string, bytes: number): Buffer {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, name);
  if (!existsSync(path)) {
    // wx: never overwrite a key another process wrote a moment ago.
    try {
      writeFileSync(path, randomBytes(bytes).toString("base64") + "\n", { mode: 0o600, flag: "wx" });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
  }
  chmodSync(path, 0o600);
  const key = Buffer.from(readFileSync(path, "utf8").trim(), "base64");
  if (key.length !== bytes) throw new ConfigError(`${path} is corrupt: expected ${bytes} bytes of base64`);
  return key;
}

export function getMasterKey(env: Env = getEnv()): Buffer {
  return env.masterKey ?? fileSecret(env.dataDir, "master.key", 32);
}

export function getAuthSecret(env: Env = getEnv()): string {
  return env.authSecret ?? fileSecret(env.dataDir, "auth.secret", 48).toString("base64url");
}
