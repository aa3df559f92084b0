// The main worker of the edge-runtime stand-in, run by real Deno: gives the
// project's main service what supabase/edge-runtime gives one (the
// `EdgeRuntime.userWorkers` API, a `Deno.serve` bound to the runtime's own
// listener), then imports the service as the runtime boots it.
//
// Upstream (supabase/edge-runtime, stored snapshot b1edf453, newer than
// v1.74.0; the pinned v1.76.2 tag is not in the stored snapshots):
// - cli/src/flags.rs: `start` listens on --ip (0.0.0.0) and --port (9000).
// - crates/base/src/worker/worker_surface_creation.rs: the main worker gets
//   the process's whole environment (`std::env::vars()`), and a failed import
//   is a "main worker boot error" that stops the runtime.
// - crates/base/src/runtime/mod.rs: a service directory's entry module is the
//   first of index.{ts,tsx,js,mjs,jsx} that exists, else the directory itself.
import { UserWorker } from "./user-workers.ts";

const [mainService, ip, portText] = Deno.args;
const port = Number(portText);

// Every answer of this double is marked (test/standins/README.md), the
// router's own 401/400/500 included; the user's code never sees this.
function marked(res: Response): Response {
  const headers = new Headers(res.headers);
  headers.set("x-supafleet-standin", "functions");
  headers.set("x-supafleet-standin-mode", "double");
  return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
}

type Handler = (req: Request, info: Deno.ServeHandlerInfo<Deno.NetAddr>) => Response | Promise<Response>;
type ServeArgs = [Handler] | [Record<string, unknown> & { handler?: Handler }] | [Record<string, unknown>, Handler];

const realServe = Deno.serve.bind(Deno);
let serving = false;

// In edge-runtime the main worker's Deno.serve does not open a port of its
// own: whatever options it passes, requests come from the runtime's listener.
function serve(...args: ServeArgs): Deno.HttpServer<Deno.NetAddr> {
  const [first, second] = args;
  const handler = typeof first === "function" ? first : typeof second === "function" ? second : (first.handler as Handler | undefined);
  if (!handler) throw new TypeError("Deno.serve: a handler is required");
  if (serving) throw new Error("edge-runtime stand-in: the main service called Deno.serve twice");
  serving = true;
  return realServe(
    { hostname: ip, port, onListen: ({ hostname, port: p }) => console.log(`Listening on http://${hostname}:${p}/`) },
    async (req, info) => {
      try {
        return marked(await handler(req, info));
      } catch (e) {
        console.error(e);
        return marked(new Response("Internal Server Error", { status: 500 }));
      }
    },
  );
}
Object.defineProperty(Deno, "serve", { value: serve, writable: true, configurable: true });

Object.defineProperty(globalThis, "EdgeRuntime", {
  value: Object.freeze({
    userWorkers: UserWorker,
    waitUntil: <T>(p: Promise<T>) => p,
    applySupabaseTag: () => undefined,
  }),
});

function entryOf(dir: string): string {
  for (const ext of ["ts", "tsx", "js", "mjs", "jsx"]) {
    const candidate = `${dir.replace(/\/$/, "")}/index.${ext}`;
    try {
      if (Deno.statSync(candidate).isFile) return `file://${candidate}`;
    } catch {
      // Not this one: the next extension, as edge-runtime tries them.
    }
  }
  return `file://${dir.replace(/\/?$/, "/")}`;
}

try {
  await import(entryOf(mainService));
} catch (e) {
  console.error(`main worker boot error: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
  Deno.exit(1);
}
if (!serving) {
  console.error("main worker boot error: the main service did not call Deno.serve");
  Deno.exit(1);
}
