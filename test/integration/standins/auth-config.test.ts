// The GoTrue double refuses at start what GoTrue refuses (supabase/auth
// v2.196.0: cmd/root_cmd.go "Failed to load configuration", exit 1): a
// missing required key, a bool envconfig cannot parse, GOTRUE_JWT_KEYS
// without exactly one signing key, and it runs as the real image does.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type Docker from "dockerode";
import { ensureDockerHost } from "@/test/support/docker-host";
import { ensureStandinImages, STANDIN_IMAGES } from "@/test/support/standin-images";

const labels = { "supafleet.test": "auth-double-config" };
let docker: Docker;

// Enough to get past the configuration (the database is never reached: none of these boot).
const BASE: Record<string, string> = {
  GOTRUE_API_HOST: "0.0.0.0",
  GOTRUE_API_PORT: "9999",
  API_EXTERNAL_URL: "http://example.test/auth/v1",
  GOTRUE_DB_DRIVER: "postgres",
  GOTRUE_DB_DATABASE_URL: "postgres://supabase_auth_admin:x@127.0.0.1:1/postgres",
  GOTRUE_SITE_URL: "http://localhost:3000",
  GOTRUE_JWT_SECRET: "a-secret-of-at-least-thirty-two-characters",
};

async function boot(env: Record<string, string | undefined>, cmd?: string[]): Promise<{ code: number; logs: string }> {
  const Env = Object.entries({ ...BASE, ...env })
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${v}`);
  // A TTY: the logs come back as plain text, not multiplexed frames.
  const c = await docker.createContainer({ Image: STANDIN_IMAGES.auth!, Env, Labels: labels, Tty: true, ...(cmd ? { Cmd: cmd } : {}) });
  try {
    await c.start();
    const { StatusCode } = (await c.wait()) as { StatusCode: number };
    // docker-modem parses a body that happens to be one JSON document (the double's one fatal log line).
    const out: unknown = await c.logs({ stdout: true, stderr: true });
    const logs = Buffer.isBuffer(out) ? out.toString("utf8") : typeof out === "string" ? out : JSON.stringify(out);
    return { code: StatusCode, logs };
  } finally {
    await c.remove({ force: true });
  }
}

beforeAll(async () => {
  docker = await ensureDockerHost();
  await ensureStandinImages(docker);
}, 600_000);

afterAll(async () => {
  const left = await docker.listContainers({ all: true, filters: { label: ["supafleet.test=auth-double-config"] } });
  await Promise.all(left.map((c) => docker.getContainer(c.Id).remove({ force: true })));
});

describe("the Auth double's configuration", () => {
  it("exits 1 without API_EXTERNAL_URL, as envconfig's required key", async () => {
    const { code, logs } = await boot({ API_EXTERNAL_URL: undefined });
    expect(code).toBe(1);
    expect(logs).toMatch(/Failed to load configuration: required key \S*API_EXTERNAL_URL missing value/);
  });

  it("exits 1 on a bool strconv.ParseBool refuses, even an empty one", async () => {
    for (const value of ["yes", ""]) {
      const { code, logs } = await boot({ GOTRUE_MAILER_AUTOCONFIRM: value });
      expect(code, value).toBe(1);
      expect(logs).toContain(`assigning GOTRUE_MAILER_AUTOCONFIRM to Autoconfirm: converting '${value}' to type bool`);
    }
  });

  it("exits 1 when GOTRUE_JWT_KEYS has no signing key, or two", async () => {
    const ec = { kty: "EC", crv: "P-256", x: "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", y: "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0", alg: "ES256" };
    const none = await boot({ GOTRUE_JWT_KEYS: JSON.stringify([{ ...ec, key_ops: ["verify"] }]) });
    expect(none.code).toBe(1);
    expect(none.logs).toContain("no signing key detected");
    const d = "jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI";
    const two = await boot({
      GOTRUE_JWT_KEYS: JSON.stringify([
        { ...ec, d, kid: "a", key_ops: ["sign"] },
        { ...ec, d, kid: "b", key_ops: ["sign"] },
      ]),
    });
    expect(two.code).toBe(1);
    expect(two.logs).toContain("multiple signing keys detected, only 1 signing key is supported");
  });

  it("runs as supabase 1000:1000 with busybox wget and neither node nor curl on the PATH", async () => {
    const { code, logs } = await boot({}, ["sh", "-c", "id -u; id -g; command -v wget; command -v node || echo no-node; command -v curl || echo no-curl"]);
    expect(code).toBe(0);
    expect(logs.split("\n").map((l) => l.trim())).toEqual(expect.arrayContaining(["1000", "1000", "no-node", "no-curl"]));
    expect(logs).toMatch(/wget/);
  });
});
