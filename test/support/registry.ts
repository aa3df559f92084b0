// A real image registry on loopback (Debian's docker-registry, the
// distribution project's server), for tests of image pulls: Docker Hub cannot
// be reached from these machines. The engine treats 127.0.0.0/8 registries as
// plain-HTTP registries by default, so no TLS is needed.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type Docker from "dockerode";
import { freePort } from "@/test/support/postgres-server";

export interface Registry {
  host: string;
  stop(): Promise<void>;
  /** Tags a local image into the registry, pushes it, and removes the local tag (as if never pulled). */
  publish(docker: Docker, localImage: string, name: string): Promise<string>;
}

const BIN = "/usr/bin/docker-registry";

export async function startRegistry(): Promise<Registry> {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: install Debian's docker-registry package (scripts/install-deps.sh test does)`);
  const dir = mkdtempSync(join(tmpdir(), "supafleet-registry-"));
  const port = await freePort();
  const config = join(dir, "config.yml");
  writeFileSync(
    config,
    `version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, "data")}\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:${port}\n`,
  );
  let output = "";
  const child: ChildProcess = spawn(BIN, ["serve", config], { stdio: ["ignore", "pipe", "pipe"] });
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const host = `127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited: ${output}`);
    try {
      if ((await fetch(`http://${host}/v2/`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`docker-registry did not answer on ${host}: ${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    host,
    async stop() {
      child.kill("SIGTERM");
      rmSync(dir, { recursive: true, force: true });
    },
    async publish(docker, localImage, name) {
      const [repo, tag] = [`${host}/${name.split(":")[0]}`, name.split(":")[1] ?? "latest"];
      await docker.getImage(localImage).tag({ repo, tag });
      const ref = `${repo}:${tag}`;
      // The engine wants an X-Registry-Auth header even for a registry without auth.
      const stream = await docker.getImage(ref).push({ authconfig: { serveraddress: host } });
      await new Promise<void>((resolve, reject) =>
        docker.modem.followProgress(stream, (err: Error | null, out: Array<{ error?: string }>) => {
          const failed = err ?? out.find((o) => o.error);
          if (failed) reject(new Error(`push of ${ref} failed: ${failed instanceof Error ? failed.message : failed.error}`));
          else resolve();
        }),
      );
      await docker.getImage(ref).remove();
      return ref;
    },
  };
}
