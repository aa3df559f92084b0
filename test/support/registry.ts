// A real image registry on loopback (Debian's docker-registry, the
// distribution project's server), for tests of image pulls: Docker Hub cannot
// be reached from these machines. The engine treats 127.0.0.0/8 registries as
// plain-HTTP registries by default, so no TLS is needed.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import type Docker from "dockerode";
import { pack } from "tar-stream";
import { freePort } from "@/test/support/postgres-server";

export interface Registry {
  host: string;
  stop(): Promise<void>;
  /** Tags a local image into the registry, pushes it, and removes the local tag (as if never pulled). */
  publish(docker: Docker, localImage: string, name: string): Promise<string>;
  /**
   * Builds a one-file image FROM scratch under `name`, publishes it as publish() does and
   * returns its reference: for tests about pulls, where what the image holds does not matter
   * (pushing a stand-in's hundreds of megabytes took about 30 s of the suite).
   */
  publishScratch(docker: Docker, name: string): Promise<string>;
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
  const follow = (docker: Docker, stream: NodeJS.ReadableStream, what: string) =>
    new Promise<void>((resolve, reject) =>
      docker.modem.followProgress(stream, (err: Error | null, out: Array<{ error?: string }>) => {
        const failed = err ?? out.find((o) => o.error);
        if (failed) reject(new Error(`${what} failed: ${failed instanceof Error ? failed.message : failed.error}`));
        else resolve();
      }),
    );
  const registry: Registry = {
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
      await follow(docker, await docker.getImage(ref).push({ authconfig: { serveraddress: host } }), `push of ${ref}`);
      await docker.getImage(ref).remove();
      return ref;
    },
    async publishScratch(docker, name) {
      const tar = pack();
      tar.entry({ name: "Dockerfile" }, "FROM scratch\nCOPY marker /marker\n");
      tar.entry({ name: "marker" }, `${name}\n`);
      tar.finalize();
      const chunks: Buffer[] = [];
      for await (const chunk of tar) chunks.push(chunk as Buffer);
      const local = `supafleet-scratch/${name}`;
      await follow(docker, await docker.buildImage(Readable.from([Buffer.concat(chunks)]), { t: local, rm: true, forcerm: true }), `building ${local}`);
      try {
        return await registry.publish(docker, local, name);
      } finally {
        await docker.getImage(local).remove();
      }
    },
  };
  return registry;
}
