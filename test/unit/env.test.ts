import { availableParallelism } from "node:os";
import { describe, expect, it, vi } from "vitest";
import { parseEnv } from "@/lib/env";
import { ConfigError } from "@/lib/errors";

function errorOf(env: Record<string, string>): string {
  try {
    parseEnv(env, "/srv");
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error("expected parseEnv to throw");
}

describe("parseEnv", () => {
  it("runs projects on one Docker engine unless SUPAFLEET_ENGINE=swarm; node engines are unix sockets only", () => {
    expect(parseEnv({}, "/srv").engine).toBe("docker");
    const swarm = parseEnv(
      { SUPAFLEET_ENGINE: "swarm", SUPAFLEET_SWARM_ENCRYPT: "true", SUPAFLEET_SWARM_NODE_ENGINES: "10.99.0.2=/run/w.sock, abc123=unix:///run/x.sock" },
      "/srv",
    );
    expect(swarm.engine).toBe("swarm");
    expect(swarm.swarm).toEqual({ encrypted: true, nodeEngines: { "10.99.0.2": "/run/w.sock", abc123: "unix:///run/x.sock" } });
    expect(errorOf({ SUPAFLEET_ENGINE: "kubernetes" })).toMatch(/SUPAFLEET_ENGINE/);
    expect(errorOf({ SUPAFLEET_SWARM_NODE_ENGINES: "w=tcp://10.0.0.2:2375" })).toMatch(/SUPAFLEET_SWARM_NODE_ENGINES.*unix sockets only/);
  });

  it("publishes tenants' databases on loopback unless the pooler speaks TLS or the operator says otherwise", () => {
    expect(parseEnv({}, "/srv").dbBindAddress).toBe("127.0.0.1");
    expect(parseEnv({ SUPAFLEET_TLS_CERT: "/c/fullchain.pem", SUPAFLEET_TLS_KEY: "/c/privkey.pem" }, "/srv").dbBindAddress).toBe("0.0.0.0");
    expect(parseEnv({ SUPAFLEET_DB_BIND_ADDRESS: "0.0.0.0" }, "/srv").dbBindAddress).toBe("0.0.0.0");
    expect(parseEnv({ SUPAFLEET_DB_BIND_ADDRESS: "10.0.0.5", SUPAFLEET_TLS_CERT: "/c/a", SUPAFLEET_TLS_KEY: "/c/b" }, "/srv").dbBindAddress).toBe("10.0.0.5");
    expect(errorOf({ SUPAFLEET_DB_BIND_ADDRESS: "example.org" })).toMatch(/SUPAFLEET_DB_BIND_ADDRESS.*IPv4/);
  });

  it("opens the shared Postgres port on 5432 once the site speaks HTTPS, unless told otherwise", () => {
    expect(parseEnv({}, "/srv").pgRouter).toBeUndefined();
    expect(parseEnv({ SUPAFLEET_TLS_CERT: "/c/a", SUPAFLEET_TLS_KEY: "/c/b" }, "/srv").pgRouter).toEqual({ host: "0.0.0.0", port: 5432 });
    expect(parseEnv({ SUPAFLEET_ACME_DIRECTORY: "https://acme.example/dir", SUPAFLEET_ACME_EMAIL: "ops@example.com" }, "/srv").pgRouter).toEqual({
      host: "0.0.0.0",
      port: 5432,
    });
    expect(parseEnv({ SUPAFLEET_TLS_CERT: "/c/a", SUPAFLEET_TLS_KEY: "/c/b", SUPAFLEET_PG_ROUTER: "off" }, "/srv").pgRouter).toBeUndefined();
    expect(parseEnv({ SUPAFLEET_PG_ROUTER: "6432" }, "/srv").pgRouter).toEqual({ host: "0.0.0.0", port: 6432 });
    expect(parseEnv({ SUPAFLEET_PG_ROUTER: "127.0.0.1:5432" }, "/srv").pgRouter).toEqual({ host: "127.0.0.1", port: 5432 });
    for (const bad of ["0", "65536", "localhost:5432", "300.1.1.1:5432", "on", "5432,5433"]) {
      expect(errorOf({ SUPAFLEET_PG_ROUTER: bad }), bad).toMatch(/SUPAFLEET_PG_ROUTER.*off, a port/);
    }
  });

  it("limits each client in nginx by default, on the app and on gated projects, and names a bad limit's variable", () => {
    expect(parseEnv({}, "/srv").nginxLimits).toEqual({
      app: { ratePerSec: 30, burst: 200, connections: 64 },
      gated: { ratePerSec: 10, burst: 40, connections: 32 },
    });
    expect(parseEnv({ SUPAFLEET_NGINX_LIMIT_GATED: " 2/5/4 " }, "/srv").nginxLimits.gated).toEqual({ ratePerSec: 2, burst: 5, connections: 4 });
    expect(errorOf({ SUPAFLEET_NGINX_LIMIT_APP: "30r/s" })).toMatch(/SUPAFLEET_NGINX_LIMIT_APP.*REQUESTS_PER_SECOND\/BURST\/CONNECTIONS/);
    expect(errorOf({ SUPAFLEET_NGINX_LIMIT_GATED: "0/5/4" })).toMatch(/SUPAFLEET_NGINX_LIMIT_GATED/);
  });

  it("gives working defaults for a bare development environment", () => {
    const env = parseEnv({}, "/srv");
    expect(env.dataDir).toBe("/srv/data");
    expect(env.databaseUrl).toBe("file:/srv/data/supafleet.db");
    expect(env.databaseKind).toBe("sqlite");
    expect(env.rootDomain).toBe("localhost");
    expect(env.portRange).toEqual({ start: 54000, end: 54999 });
    expect(env.masterKey).toBeUndefined();
    expect(env.imageOverrides).toEqual({});
    expect(env.admin).toBeUndefined();
    expect(env.maxParallelStarts).toBe(4 * availableParallelism());
    expect(env.healthIntervalMs).toBe(30_000);
    expect(env.rateLimits.rules.loginAccount).toEqual({ points: 5, windowSec: 900, blockSec: 60 });
    expect(env.rateLimits.maxBlockSec).toBe(3600);
    // nginx is on by default, and it is the loopback proxy whose X-Real-IP is believed
    expect(env.trustProxy).toBe(true);
    expect(parseEnv({ SUPAFLEET_NGINX_ENABLED: "false" }, "/srv").trustProxy).toBe(false);
    expect(env.streamsPerUser).toBe(6);
    expect(env.apiRateLimit).toBe(120);
  });

  it("reads every setting", () => {
    const key = Buffer.alloc(32, 7);
    const env = parseEnv({
      DATABASE_URL: "postgresql://u:p@db:5432/supafleet",
      SUPAFLEET_ROOT_DOMAIN: "Cloud.Example.COM",
      SUPAFLEET_PUBLIC_SCHEME: "https",
      SUPAFLEET_PORT_RANGE: "60000-60100",
      SUPAFLEET_MASTER_KEY: key.toString("base64"),
      SUPAFLEET_ADMIN_EMAIL: "Root@Example.com",
      SUPAFLEET_ADMIN_PASSWORD: "correct horse battery",
      SUPAFLEET_IMAGE_OVERRIDES: "db=local/pg:15, *=local/standin:1",
      SUPAFLEET_TLS_CERT: "/certs/full.pem",
      SUPAFLEET_TLS_KEY: "/certs/key.pem",
      SUPAFLEET_MAX_PARALLEL_STARTS: "3",
      SUPAFLEET_HEALTH_INTERVAL: "120",
      SUPAFLEET_LIMIT_LOGIN_IP: "10/60/120",
      SUPAFLEET_LIMIT_MAX_BLOCK: "600",
      SUPAFLEET_TRUST_PROXY: "false",
      SUPAFLEET_STREAMS_PER_USER: "2",
      SUPAFLEET_API_RATE_LIMIT: "30",
    });
    expect(env.databaseKind).toBe("postgres");
    expect(env.rootDomain).toBe("cloud.example.com");
    expect(env.publicScheme).toBe("https");
    expect(env.portRange).toEqual({ start: 60000, end: 60100 });
    expect(env.masterKey?.equals(key)).toBe(true);
    expect(env.admin).toEqual({ email: "root@example.com", password: "correct horse battery" });
    expect(env.imageOverrides).toEqual({ db: "local/pg:15", "*": "local/standin:1" });
    expect(env.nginx.tls).toEqual({ certPath: "/certs/full.pem", keyPath: "/certs/key.pem" });
    expect(env.maxParallelStarts).toBe(3);
    expect(env.healthIntervalMs).toBe(120_000);
    expect(env.rateLimits.rules.loginIp).toEqual({ points: 10, windowSec: 60, blockSec: 120 });
    expect(env.rateLimits.maxBlockSec).toBe(600);
    expect(env.trustProxy).toBe(false);
    expect(env.streamsPerUser).toBe(2);
    expect(env.apiRateLimit).toBe(30);
  });

  it("accepts a hex master key", () => {
    expect(parseEnv({ SUPAFLEET_MASTER_KEY: "ab".repeat(32) }).masterKey?.length).toBe(32);
  });

  it.each([
    [{ SUPAFLEET_PORT_RANGE: "9000" }, "SUPAFLEET_PORT_RANGE"],
    [{ SUPAFLEET_PORT_RANGE: "70000-70010" }, "SUPAFLEET_PORT_RANGE"],
    [{ SUPAFLEET_PORT_RANGE: "54010-54000" }, "SUPAFLEET_PORT_RANGE"],
    [{ SUPAFLEET_ROOT_DOMAIN: "evil.com; include /etc/passwd" }, "SUPAFLEET_ROOT_DOMAIN"],
    [{ SUPAFLEET_ROOT_DOMAIN: "under_score.com" }, "SUPAFLEET_ROOT_DOMAIN"],
    [{ SUPAFLEET_MASTER_KEY: "tooshort" }, "SUPAFLEET_MASTER_KEY"],
    [{ SUPAFLEET_PUBLIC_SCHEME: "ftp" }, "SUPAFLEET_PUBLIC_SCHEME"],
    [{ DATABASE_URL: "mysql://x" }, "DATABASE_URL"],
    [{ SUPAFLEET_ADMIN_EMAIL: "a@b.co" }, "SUPAFLEET_ADMIN_PASSWORD"],
    [{ SUPAFLEET_ADMIN_EMAIL: "not-an-email", SUPAFLEET_ADMIN_PASSWORD: "long enough pw" }, "SUPAFLEET_ADMIN_EMAIL"],
    [{ SUPAFLEET_ADMIN_EMAIL: "a@b.co", SUPAFLEET_ADMIN_PASSWORD: "short" }, "SUPAFLEET_ADMIN_PASSWORD"],
    [{ SUPAFLEET_IMAGE_OVERRIDES: "db=bad image;rm -rf /" }, "SUPAFLEET_IMAGE_OVERRIDES"],
    [{ SUPAFLEET_IMAGE_OVERRIDES: "justanimage" }, "SUPAFLEET_IMAGE_OVERRIDES"],
    [{ SUPAFLEET_TLS_CERT: "/c.pem" }, "SUPAFLEET_TLS_KEY"],
    [{ NODE_ENV: "production" }, "SUPAFLEET_MASTER_KEY"],
    [{ SUPAFLEET_APP_PORT: "99999" }, "SUPAFLEET_APP_PORT"],
    [{ SUPAFLEET_MAX_PARALLEL_STARTS: "0" }, "SUPAFLEET_MAX_PARALLEL_STARTS"],
    [{ SUPAFLEET_MAX_PARALLEL_STARTS: "many" }, "SUPAFLEET_MAX_PARALLEL_STARTS"],
    [{ SUPAFLEET_HEALTH_INTERVAL: "5" }, "SUPAFLEET_HEALTH_INTERVAL"],
    [{ SUPAFLEET_HEALTH_INTERVAL: "1m" }, "SUPAFLEET_HEALTH_INTERVAL"],
    [{ SUPAFLEET_LIMIT_LOGIN_ACCOUNT: "5 per minute" }, "SUPAFLEET_LIMIT_LOGIN_ACCOUNT"],
    [{ SUPAFLEET_LIMIT_CREATE_IP: "0/60/60" }, "SUPAFLEET_LIMIT_CREATE_IP"],
    [{ SUPAFLEET_LIMIT_MAX_BLOCK: "0" }, "SUPAFLEET_LIMIT_MAX_BLOCK"],
    [{ SUPAFLEET_TRUST_PROXY: "maybe" }, "SUPAFLEET_TRUST_PROXY"],
    [{ SUPAFLEET_STREAMS_PER_USER: "0" }, "SUPAFLEET_STREAMS_PER_USER"],
    [{ SUPAFLEET_API_RATE_LIMIT: "0" }, "SUPAFLEET_API_RATE_LIMIT"],
    [{ SUPAFLEET_API_RATE_LIMIT: "lots" }, "SUPAFLEET_API_RATE_LIMIT"],
  ])("rejects %j naming %s", (env, variable) => {
    const message = errorOf(env);
    expect(message).toContain(variable);
  });

  it("lists every bad variable at once", () => {
    const message = errorOf({ SUPAFLEET_PORT_RANGE: "x", SUPAFLEET_PUBLIC_SCHEME: "ftp" });
    expect(message).toContain("SUPAFLEET_PORT_RANGE");
    expect(message).toContain("SUPAFLEET_PUBLIC_SCHEME");
  });

  it("treats empty strings as unset", () => {
    expect(parseEnv({ SUPAFLEET_MASTER_KEY: "", DATABASE_URL: "" }, "/x").databaseUrl).toBe("file:/x/data/supafleet.db");
  });
});

describe("error mapping", () => {
  it("recognises app errors by brand, even from another copy of the module", async () => {
    const { toHttpError, QuotaExceededError, isAppError } = await import("@/lib/errors");
    const real = new QuotaExceededError(2);
    // What an error from a second bundle looks like: same brand, different class identity.
    const foreign = Object.assign(new Error("x"), {
      [Symbol.for("supafleet.app-error")]: true,
      code: "not_found",
      status: 404,
      publicMessage: "Project not found.",
    });
    expect(toHttpError(real)).toMatchObject({ status: 403, code: "quota_exceeded" });
    expect(toHttpError(foreign)).toEqual({ status: 404, code: "not_found", message: "Project not found." });
    expect(isAppError(foreign, "not_found")).toBe(true);
    const unknown = toHttpError(new Error("SELECT * FROM secrets"));
    expect(unknown).toMatchObject({ status: 500, code: "internal_error" });
    expect(unknown.message).not.toContain("secrets");
  });

  it("answers every 5xx with a generic message and an error id, and logs the details under that id", async () => {
    const { toHttpError, NginxConfigInvalidError, ServiceExitedError, DockerUnavailableError, NotFoundError } = await import("@/lib/errors");
    const logged: string[] = [];
    const spy = vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(" ")));
    try {
      const cases = [
        new NginxConfigInvalidError('nginx: [emerg] unknown directive "x" in /var/lib/supafleet/nginx/supafleet.conf:12'),
        new ServiceExitedError("db", 1, "FATAL: password authentication failed for user supabase_admin"),
        new DockerUnavailableError("connect ENOENT /var/run/docker.sock"),
      ];
      for (const err of cases) {
        const mapped = toHttpError(err);
        expect(mapped.status).toBeGreaterThanOrEqual(500);
        const id = /error id ([0-9a-f]{8})\.$/.exec(mapped.message)?.[1];
        expect(mapped.message, mapped.message).toMatch(/^Something went wrong on our side\./);
        expect(id).toBeDefined();
        for (const secret of ["emerg", "/var/lib", "FATAL", "supabase_admin", "docker.sock"]) expect(mapped.message).not.toContain(secret);
        expect(logged.find((l) => l.includes(id!))).toContain(err.message);
      }
      // 4xx stay precise: they are the user's to fix
      expect(toHttpError(new NotFoundError("Project not found.")).message).toBe("Project not found.");
    } finally {
      spy.mockRestore();
    }
  });
});
