// `EdgeRuntime.userWorkers` of the edge-runtime stand-in: each user worker is
// its own Deno process (user-worker.ts) that sees only the env vars it was
// created with, as in edge-runtime, where a user worker's Deno.env is exactly
// `envVars` plus SB_EXECUTION_ID (supabase/edge-runtime, stored snapshot
// b1edf453: crates/base/src/runtime/mod.rs, ext/workers/user_workers.js).
//
// Errors as upstream's: no servicePath → TypeError "service path must be
// defined"; a module that does not load or throws while loading →
// "InvalidWorkerCreation: worker boot error: …"; no Deno.serve in time →
// "InvalidWorkerCreation: worker did not respond in time"
// (crates/base/tests/integration_tests.rs). The main service's router turns
// these into its 500 {"msg": "<error>"}.

export interface UserWorkerCreateOptions {
  servicePath?: string | null;
  envVars?: Array<[string, string]> | string[][] | null;
  memoryLimitMb?: number | null;
  workerTimeoutMs?: number | null;
  noModuleCache?: boolean | null;
  importMapPath?: string | null;
  forceCreate?: boolean | null;
}

export class InvalidWorkerCreation extends Error {
  override name = "InvalidWorkerCreation";
}

const CHILD = new URL("./user-worker.ts", import.meta.url).pathname;
const IMPORT_MAP = new URL("./import-map.json", import.meta.url).pathname;
// edge-runtime's defaults (ext/workers/user_workers.js takes them from Rust):
// 150 MB and a minute are what upstream's router passes; fallbacks only.
const DEFAULT_MEMORY_MB = 150;
const DEFAULT_TIMEOUT_MS = 60_000;
const BOOT_TIMEOUT_MS = 30_000;

interface Live {
  port: number;
  process: Deno.ChildProcess;
  exited: boolean;
}

const pool = new Map<string, Promise<Live>>();

/** Calls onLine for each line; resolves once the stream has ended and every line was handed on. */
function pipeLines(stream: ReadableStream<Uint8Array>, onLine: (line: string) => void): Promise<void> {
  return (async () => {
    let rest = "";
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      const lines = (rest + chunk).split("\n");
      rest = lines.pop() ?? "";
      lines.forEach(onLine);
    }
    if (rest) onLine(rest);
  })();
}

function boot(servicePath: string, env: Record<string, string>, memoryLimitMb: number, timeoutMs: number, key: string): Promise<Live> {
  const nonce = crypto.randomUUID();
  // Deno itself needs a cache directory; the worker's own env must not show it
  // unless the caller passed one (user-worker.ts deletes it again).
  const denoDir = Deno.env.get("DENO_DIR") ?? `${Deno.env.get("HOME") ?? "/root"}/.cache/deno`;
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--no-config",
      "--cached-only",
      "--no-prompt",
      `--import-map=${IMPORT_MAP}`,
      `--v8-flags=--max-old-space-size=${memoryLimitMb}`,
      "--allow-net",
      "--allow-env",
      "--allow-sys",
      `--allow-read=${servicePath},/tmp,/standin/vendor`,
      "--allow-write=/tmp",
      CHILD,
      servicePath,
      nonce,
      "DENO_DIR" in env ? "keep-deno-dir" : "drop-deno-dir",
    ],
    clearEnv: true,
    env: { DENO_DIR: denoDir, NO_COLOR: "1", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  return new Promise<Live>((resolve, reject) => {
    const live: Live = { port: 0, process: child, exited: false };
    let stderrTail = "";
    let settled = false;
    const settle = (err: Error | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(bootTimer);
      if (err) {
        pool.delete(key);
        try {
          child.kill("SIGKILL");
        } catch {
          // Already gone.
        }
        reject(err);
      } else resolve(live);
    };
    const bootTimer = setTimeout(() => settle(new InvalidWorkerCreation("worker did not respond in time")), BOOT_TIMEOUT_MS);
    const stdoutRead = pipeLines(child.stdout, (line) => {
      if (line.startsWith(`${nonce} ready `)) {
        live.port = Number(line.slice(nonce.length + 7));
        settle(null);
      } else if (line.startsWith(`${nonce} boot-error `)) {
        settle(new InvalidWorkerCreation(`worker boot error: ${JSON.parse(line.slice(nonce.length + 12)) as string}`));
      } else console.log(line);
    });
    const stderrRead = pipeLines(child.stderr, (line) => {
      stderrTail = `${stderrTail}\n${line}`.slice(-2000);
      console.error(line);
    });
    void child.status.then(async (status) => {
      live.exited = true;
      pool.delete(key);
      // The exit can be seen before the last lines the worker wrote (its
      // boot-error line, written just before it exits) are read: read them
      // first, so a boot error is told in its own words, not as an exit code.
      await Promise.allSettled([stdoutRead, stderrRead]);
      // Deno's own start-up errors (before user-worker.ts runs) end up here.
      settle(new InvalidWorkerCreation(`worker boot error: ${stderrTail.trim() || `exited with code ${status.code}`}`));
    });
    // Upstream's workerTimeoutMs is the worker's wall-clock limit: it ends,
    // and the next request boots a new one.
    const wallClock = setTimeout(() => {
      pool.delete(key);
      if (!live.exited) child.kill("SIGTERM");
    }, timeoutMs);
    Deno.unrefTimer(wallClock);
  });
}

export class UserWorker {
  private constructor(private readonly live: Live) {}

  static async create(opts: UserWorkerCreateOptions): Promise<UserWorker> {
    const servicePath = opts.servicePath ?? "";
    if (servicePath === "") throw new TypeError("service path must be defined");
    const env: Record<string, string> = Object.fromEntries((opts.envVars ?? []).map(([k, v]) => [String(k), String(v)]));
    // As edge-runtime reuses a running worker for the same service unless told
    // not to; a different environment is a different worker here.
    const key = JSON.stringify([servicePath, env, opts.memoryLimitMb, opts.importMapPath]);
    let live = opts.forceCreate ? undefined : pool.get(key);
    if (!live) {
      env.SB_EXECUTION_ID = crypto.randomUUID();
      live = boot(servicePath, env, opts.memoryLimitMb ?? DEFAULT_MEMORY_MB, opts.workerTimeoutMs ?? DEFAULT_TIMEOUT_MS, key);
      pool.set(key, live);
    }
    return new UserWorker(await live);
  }

  async fetch(request: Request, options: { signal?: AbortSignal } = {}): Promise<Response> {
    options.signal?.throwIfAborted();
    const url = new URL(request.url);
    const headers = new Headers(request.headers);
    // The worker sees the URL the main service saw (user-worker.ts restores it).
    headers.set("x-supafleet-standin-url", request.url);
    const hasBody = !request.bodyUsed && request.body !== null;
    const init: RequestInit & { duplex?: "half" } = {
      method: request.method,
      headers,
      body: hasBody ? request.body : undefined,
      redirect: "manual",
      signal: options.signal,
      duplex: "half",
    };
    return await fetch(`http://127.0.0.1:${this.live.port}${url.pathname}${url.search}`, init);
  }
}
