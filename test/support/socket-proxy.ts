// A unix-socket relay in front of the Docker engine's socket, for tests that
// need the engine to "restart" without restarting the real one (which would
// disturb every other test on the machine): stop() cuts every open
// connection and refuses new ones, as a restarting engine does; start()
// answers again.
import { createConnection, createServer, type Server, type Socket } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface SocketProxy {
  path: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  close(): Promise<void>;
}

export async function startSocketProxy(target: string): Promise<SocketProxy> {
  const dir = mkdtempSync(join(tmpdir(), "supafleet-sock-"));
  const path = join(dir, "docker.sock");
  const open = new Set<Socket>();
  let server: Server | undefined;
  const start = () =>
    new Promise<void>((resolve, reject) => {
      rmSync(path, { force: true });
      server = createServer((client) => {
        const upstream = createConnection(target);
        open.add(client).add(upstream);
        const drop = () => {
          client.destroy();
          upstream.destroy();
          open.delete(client);
          open.delete(upstream);
        };
        client.on("error", drop).on("close", drop);
        upstream.on("error", drop).on("close", drop);
        client.pipe(upstream).pipe(client);
      });
      server.once("error", reject);
      server.listen(path, () => resolve());
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const s of open) s.destroy();
      open.clear();
      if (!server) return resolve();
      server.close(() => resolve());
      server = undefined;
      // With the socket file gone, clients get ENOENT, like an engine that is down.
      rmSync(path, { force: true });
    });
  await start();
  return {
    path,
    start,
    stop,
    close: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
