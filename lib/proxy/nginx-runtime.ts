// Where Supafleet's nginx keeps its files, and the permissions they need.
// The master runs as root and reads the config, pages and logs itself; the
// workers run as www-data and write request bodies and upstream responses to
// the temp paths. Those must therefore sit where www-data can reach them:
// NOT under the data directory, which is 0700 root because it holds the
// database and keys (a temp path there makes every POST over ~16 KB a 500).
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, chownSync, mkdirSync, statSync } from "node:fs";
import { dirname, join, parse } from "node:path";
import { ConfigError } from "@/lib/errors";

export interface NginxWorker {
  name: string;
  uid: number;
  gid: number;
}

export interface NginxRuntimeLayout {
  confDir: string;
  pidPath: string;
  logDir: string;
  /** parent of nginx's body/proxy/fastcgi/uwsgi/scgi temp paths */
  tempDir: string;
  /** the `user` directive: the workers' account */
  user: string;
}

/** Root of the default temp dirs when nginx runs as root (one subdirectory per main config). */
export const DEFAULT_TEMP_ROOT = "/var/cache/supafleet-nginx";

/** www-data when it exists and we are root (nginx only switches user as root); otherwise none. */
export function nginxWorker(name = "www-data"): NginxWorker | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const uid = Number(execFileSync("id", ["-u", name]).toString());
    const gid = Number(execFileSync("id", ["-g", name]).toString());
    return { name, uid, gid };
  } catch {
    return undefined;
  }
}

export function nginxRuntimeLayout(opts: { mainConf: string; tempDir?: string; worker: NginxWorker | undefined; tempRoot?: string }): NginxRuntimeLayout {
  const confDir = dirname(opts.mainConf);
  const tempDir =
    opts.tempDir ??
    (opts.worker
      ? join(opts.tempRoot ?? DEFAULT_TEMP_ROOT, createHash("sha256").update(opts.mainConf).digest("hex").slice(0, 12))
      : // no separate worker account: the workers are us, and reach our own dirs
        join(confDir, "tmp"));
  return { confDir, pidPath: join(confDir, "nginx.pid"), logDir: join(confDir, "log"), tempDir, user: opts.worker?.name ?? "root" };
}

/** The first directory on the way to `path` that `worker` cannot enter, or null. */
export function blockedAncestor(path: string, worker: NginxWorker): string | null {
  const root = parse(path).root;
  const chain: string[] = [];
  for (let p = path; ; p = dirname(p)) {
    chain.unshift(p);
    if (p === root) break;
  }
  for (const dir of chain) {
    const st = statSync(dir);
    const bit = st.uid === worker.uid ? 0o100 : st.gid === worker.gid ? 0o010 : 0o001;
    if ((st.mode & bit) === 0) return dir;
  }
  return null;
}

/** Creates the dirs with the right owners, and refuses a temp dir the workers cannot reach. */
export function prepareNginxRuntime(layout: NginxRuntimeLayout, worker: NginxWorker | undefined): void {
  mkdirSync(layout.logDir, { recursive: true });
  // Parents must stay enterable (0755); the temp dir itself is the workers' alone.
  mkdirSync(dirname(layout.tempDir), { recursive: true, mode: 0o755 });
  mkdirSync(layout.tempDir, { recursive: true, mode: 0o700 });
  if (!worker) return;
  // Only the workers use it; nobody else may read other people's uploads there.
  chownSync(layout.tempDir, worker.uid, worker.gid);
  chmodSync(layout.tempDir, 0o700);
  const blocked = blockedAncestor(layout.tempDir, worker);
  if (blocked) {
    throw new ConfigError(
      `SUPAFLEET_NGINX_TEMP_DIR: nginx's workers (${worker.name}) cannot enter ${blocked}, so they could not buffer request bodies under ${layout.tempDir}; choose a directory outside the data directory`,
    );
  }
}
