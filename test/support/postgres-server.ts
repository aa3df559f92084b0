// A throwaway, real PostgreSQL server for tests: its own cluster in a temp
// dir, on a free loopback port, stopped and deleted afterwards.
import { execFileSync, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

export interface PgServer {
  port: number;
  /** URL of a fresh database created for the caller */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

function findBin(name: string): string {
  for (const v of ["17", "16", "15"]) {
    const p = `/usr/lib/postgresql/${v}/bin/${name}`;
    if (existsSync(p)) return p;
  }
  throw new Error(`PostgreSQL server binary '${name}' not found under /usr/lib/postgresql/*/bin; apt-get install postgresql`);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === "object" && addr ? resolve(addr.port) : reject(new Error("no port"))));
    });
  });
}

/** postgres refuses to run as root, so as root the cluster belongs to the postgres user. */
function asDbUser(bin: string, args: string[]): string[] {
  return process.getuid?.() === 0 ? ["runuser", "-u", "postgres", "--", bin, ...args] : [bin, ...args];
}

function run(argv: string[]): void {
  const [cmd, ...args] = argv;
  const r = spawnSync(cmd!, args, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${argv.join(" ")} failed (${r.status}): ${r.stderr || r.stdout}`);
}

export async function startPostgres(): Promise<PgServer> {
  const initdb = findBin("initdb");
  const pgCtl = findBin("pg_ctl");
  const dir = mkdtempSync(join(tmpdir(), "supafleet-pg-"));
  if (process.getuid?.() === 0)
    chownSync(dir, Number(execFileSync("id", ["-u", "postgres"]).toString().trim()), Number(execFileSync("id", ["-g", "postgres"]).toString().trim()));
  const data = join(dir, "data");
  const port = await freePort();
  const password = "test-" + Math.random().toString(36).slice(2);
  run(asDbUser(initdb, ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]));
  run(asDbUser(pgCtl, ["-D", data, "-l", join(dir, "log"), "-w", "-o", `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, "start"]));
  const admin = new pg.Client({ host: "127.0.0.1", port, user: "postgres", database: "postgres" });
  await admin.connect();
  await admin.query(`ALTER USER postgres PASSWORD '${password}'`);
  return {
    port,
    async createDatabase(name: string) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad db name ${name}`);
      await admin.query(`CREATE DATABASE ${name}`);
      return `postgresql://postgres:${password}@127.0.0.1:${port}/${name}`;
    },
    async stop() {
      await admin.end().catch(() => undefined);
      run(asDbUser(pgCtl, ["-D", data, "-m", "immediate", "stop"]));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
