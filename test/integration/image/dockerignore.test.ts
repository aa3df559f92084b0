// The image must not carry this installation's secrets, data or history.
// docker's own client applies .dockerignore when it packs the build context,
// so the check builds a real image (FROM scratch, COPY everything) from a
// context holding the repo's .dockerignore and files named like the real
// ones, and lists what arrived in the image.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import tar from "tar-stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureDockerHost, testDocker } from "@/test/support/docker-host";

const run = promisify(execFile);
const ctx = mkdtempSync(join(tmpdir(), "supafleet-dockerignore-"));
const tag = `supafleet-test/dockerignore:${randomBytes(4).toString("hex")}`;

const MUST_STAY_OUT = [
  ".env",
  ".env.local",
  ".env.production",
  "data/supafleet.db",
  "data/master.key",
  "data/nginx/nginx.conf",
  ".git/config",
  ".git/objects/ab/cdef",
  "node_modules/next/package.json",
  "lib/generated/prisma-sqlite/client.ts",
  ".next/BUILD_ID",
  "test-artifacts/screenshots/x.png",
  "tsconfig.tsbuildinfo",
  // keys and certificates at any depth (docker-compose.yml keeps the TLS pair in ./certs)
  "certs/fullchain.crt",
  "certs/privkey.pem",
  "server.key",
  "deploy/tls/privkey.pem",
  "deploy/tls/server.key",
  "deploy/keystore.p12",
  "nested/certs/chain.crt",
  "nested/.env.local",
  "nested/master.key",
];
const MUST_GO_IN = [
  "package.json",
  "package-lock.json",
  "app/page.tsx",
  "lib/env.ts",
  "prisma/schema.prisma",
  "scripts/serve.sh",
  "nginx/nginx.conf",
  "templates/supabase/docker-compose.yml",
];

let files: string[] = [];

beforeAll(async () => {
  await ensureDockerHost();
  copyFileSync(resolve(".dockerignore"), join(ctx, ".dockerignore"));
  for (const f of [...MUST_STAY_OUT, ...MUST_GO_IN]) {
    mkdirSync(dirname(join(ctx, f)), { recursive: true });
    writeFileSync(join(ctx, f), `content of ${f}\n`);
  }
  writeFileSync(join(ctx, "Dockerfile.probe"), "FROM scratch\nCOPY . /ctx/\n");
  await run("docker", ["build", "-q", "-f", join(ctx, "Dockerfile.probe"), "-t", tag, ctx], { timeout: 120_000 });
  const docker = testDocker();
  const container = await docker.createContainer({ Image: tag, Cmd: ["/none"] });
  try {
    const stream = await container.export();
    files = await new Promise<string[]>((res, rej) => {
      const names: string[] = [];
      const extract = tar.extract();
      extract.on("entry", (header, body, next) => {
        if (header.type === "file" && header.name.startsWith("ctx/")) names.push(header.name.slice(4));
        body.on("end", next);
        body.resume();
      });
      extract.on("finish", () => res(names));
      extract.on("error", rej);
      stream.pipe(extract);
    });
  } finally {
    await container.remove({ force: true });
  }
}, 180_000);

afterAll(async () => {
  await testDocker()
    .getImage(tag)
    .remove({ force: true })
    .catch(() => undefined);
  rmSync(ctx, { recursive: true, force: true });
});

describe(".dockerignore", () => {
  it("keeps secrets, data, history, dependencies and build output out of the image", () => {
    expect(files.length).toBeGreaterThan(0);
    expect(MUST_STAY_OUT.filter((f) => files.includes(f))).toEqual([]);
  });

  it("still sends the source the image is built from", () => {
    expect(MUST_GO_IN.filter((f) => !files.includes(f))).toEqual([]);
  });
});
