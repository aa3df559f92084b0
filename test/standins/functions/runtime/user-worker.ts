// One user worker of the edge-runtime stand-in (its own Deno process, started
// by user-workers.ts with only the worker's env vars): loads the function's
// entry module as edge-runtime does and serves its Deno.serve handler on a
// loopback port it reports to the main worker on stdout, prefixed with a
// per-worker nonce so the function's own output cannot pass for it.
const [servicePath, nonce, denoDir] = Deno.args;
if (denoDir === "drop-deno-dir") Deno.env.delete("DENO_DIR");
Deno.env.delete("NO_COLOR");

const encoder = new TextEncoder();
function control(line: string): void {
  Deno.stdout.writeSync(encoder.encode(`${nonce} ${line}\n`));
}

type Handler = (req: Request, info: Deno.ServeHandlerInfo<Deno.NetAddr>) => Response | Promise<Response>;
type ServeArgs = [Handler] | [Record<string, unknown> & { handler?: Handler }] | [Record<string, unknown>, Handler];

const realServe = Deno.serve.bind(Deno);
let serving = false;

// As in edge-runtime, the port a function asks for means nothing: its handler
// answers the requests the main service forwards.
function serve(...args: ServeArgs): Deno.HttpServer<Deno.NetAddr> {
  const [first, second] = args;
  const handler = typeof first === "function" ? first : typeof second === "function" ? second : (first.handler as Handler | undefined);
  if (!handler) throw new TypeError("Deno.serve: a handler is required");
  if (serving) throw new Error("edge-runtime stand-in: a user worker called Deno.serve twice");
  serving = true;
  return realServe({ hostname: "127.0.0.1", port: 0, onListen: ({ port }) => control(`ready ${port}`) }, (req, info) => {
    const original = req.headers.get("x-supafleet-standin-url");
    if (!original) return handler(req, info);
    const headers = new Headers(req.headers);
    headers.delete("x-supafleet-standin-url");
    const body = req.body;
    const restored = new Request(original, { method: req.method, headers, body, redirect: req.redirect, duplex: "half" } as RequestInit);
    return handler(restored, info);
  });
}
Object.defineProperty(Deno, "serve", { value: serve, writable: true, configurable: true });
Object.defineProperty(globalThis, "EdgeRuntime", {
  value: Object.freeze({ waitUntil: <T>(p: Promise<T>) => p }),
});

// supabase/edge-runtime crates/base/src/runtime/mod.rs (snapshot b1edf453):
// the first of index.{ts,tsx,js,mjs,jsx} that exists, else the directory.
function entryOf(dir: string): string {
  for (const ext of ["ts", "tsx", "js", "mjs", "jsx"]) {
    const candidate = `${dir.replace(/\/$/, "")}/index.${ext}`;
    try {
      if (Deno.statSync(candidate).isFile) return `file://${candidate}`;
    } catch {
      // Not this one.
    }
  }
  return `file://${dir.replace(/\/?$/, "/")}`;
}

// Upstream's wording: a module graph that cannot be built is "failed to
// bootstrap runtime: failed to create the graph: …"; an exception while the
// module runs is "Uncaught <Error>: …" (crates/base/tests/integration_tests.rs
// and fixture snapshots).
function bootError(e: unknown): string {
  if (!(e instanceof Error)) return `Uncaught ${String(e)}`;
  const graph = /^(Module not found|Relative import path|Import .* not a dependency|Specifier not found in cache|Unable to load|Is a directory)/;
  if ((e as Error & { code?: string }).code === "ERR_MODULE_NOT_FOUND" || graph.test(e.message)) {
    return `failed to bootstrap runtime: failed to create the graph: ${e.message}`;
  }
  return `Uncaught ${e.name}: ${e.message}`;
}

try {
  await import(entryOf(servicePath));
} catch (e) {
  control(`boot-error ${JSON.stringify(bootError(e))}`);
  Deno.exit(1);
}
