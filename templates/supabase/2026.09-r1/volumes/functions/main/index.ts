// Edge runtime main service: verifies the JWT when VERIFY_JWT is on, then
// hands each request to a user worker for /<function-name>.
import * as jose from "https://deno.land/x/jose@v4.14.4/index.ts";

// Provided by the Supabase edge runtime.
declare const EdgeRuntime: {
  userWorkers: { create(options: Record<string, unknown>): Promise<{ fetch(req: Request): Promise<Response> }> };
};

console.log("main function started");

const JWT_SECRET = Deno.env.get("JWT_SECRET");
const VERIFY_JWT = Deno.env.get("VERIFY_JWT") === "true";

function getAuthToken(req: Request) {
  const authHeader = req.headers.get("authorization");
  if (!authHeader) throw new Error("Missing authorization header");
  const [bearer, token] = authHeader.split(" ");
  if (bearer !== "Bearer") throw new Error(`Auth header is not 'Bearer {token}'`);
  return token;
}

async function verifyJWT(jwt: string): Promise<boolean> {
  const secretKey = new TextEncoder().encode(JWT_SECRET);
  try {
    await jose.jwtVerify(jwt, secretKey);
  } catch (err) {
    console.error(err);
    return false;
  }
  return true;
}

Deno.serve(async (req: Request) => {
  if (req.method !== "OPTIONS" && VERIFY_JWT) {
    try {
      const token = getAuthToken(req);
      if (!(await verifyJWT(token))) {
        return new Response(JSON.stringify({ msg: "Invalid JWT" }), { status: 401, headers: { "Content-Type": "application/json" } });
      }
    } catch (e) {
      return new Response(JSON.stringify({ msg: String(e) }), { status: 401, headers: { "Content-Type": "application/json" } });
    }
  }

  const url = new URL(req.url);
  const { pathname } = url;
  const path_parts = pathname.split("/");
  const service_name = path_parts[1];

  if (!service_name || service_name === "") {
    return new Response(JSON.stringify({ msg: "missing function name in request" }), { status: 400, headers: { "Content-Type": "application/json" } });
  }

  const servicePath = `/home/deno/functions/${service_name}`;
  const memoryLimitMb = 150;
  const workerTimeoutMs = 1 * 60 * 1000;
  const noModuleCache = false;
  const importMapPath = null;
  const envVarsObj = Deno.env.toObject();
  const envVars = Object.keys(envVarsObj).map((k) => [k, envVarsObj[k]]);

  try {
    const worker = await EdgeRuntime.userWorkers.create({ servicePath, memoryLimitMb, workerTimeoutMs, noModuleCache, importMapPath, envVars });
    return await worker.fetch(req);
  } catch (e) {
    return new Response(JSON.stringify({ msg: String(e) }), { status: 500, headers: { "Content-Type": "application/json" } });
  }
});
