// Routing overhead: requests per second through nginx by subdomain against
// the same gateway port directly, with wrk, same run, same project.
import { execFileSync } from "node:child_process";
import { loadProxyProjects } from "@/lib/proxy/app-proxy";
import { NginxApplier } from "@/lib/proxy/nginx-applier";
import { NGINX_BIN, startNginx } from "@/test/support/nginx-host";
import { benchProxySettings, benchSetup, machine, makeUser } from "./common";

const SECONDS = Number(process.env.SECONDS_PER_RUN ?? 10);

function wrk(url: string, headers: string[]): number {
  const args = ["-t2", "-c32", `-d${SECONDS}s`, ...headers.flatMap((h) => ["-H", h]), url];
  const out = execFileSync("wrk", args, { encoding: "utf8" });
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(out);
  if (!rps) throw new Error(`no figure from wrk:\n${out}`);
  if (/Non-2xx/.test(out)) throw new Error(`wrk saw errors:\n${out}`);
  return Number(rps[1]);
}

async function main(): Promise<void> {
  console.log(`machine: ${machine()}`);
  const nginx = await startNginx();
  const { db, service } = await benchSetup({ portRange: { start: 57000, end: 57099 } });
  let ref = "";
  try {
    const settings = await benchProxySettings(nginx.port);
    const applier = new NginxApplier({
      nginxBin: NGINX_BIN,
      mainConfPath: nginx.mainConfPath,
      siteConfPath: nginx.siteConfPath,
      loadProjects: loadProxyProjects(db),
      settings,
    });
    const user = await makeUser(db, "router@example.com", 2);
    ref = (await service.createProject(user, { name: "Routing bench" })).ref;
    await service.waitForIdle(ref);
    await applier.apply();
    const { anonKey } = await service.getProjectDetails(user, ref);
    const lease = await db.portLease.findFirstOrThrow({ where: { project: { ref }, purpose: "KONG_HTTP" } });
    const direct = wrk(`http://127.0.0.1:${lease.port}/rest/v1/todos`, [`apikey: ${anonKey}`]);
    const proxied = wrk(`http://127.0.0.1:${nginx.port}/rest/v1/todos`, [`Host: ${ref}.bench.test`, `apikey: ${anonKey}`]);
    console.log(`routing: direct to gateway ${direct.toFixed(0)} req/s; through nginx by subdomain ${proxied.toFixed(0)} req/s`);
    console.log(`routing: ratio nginx/direct = ${(proxied / direct).toFixed(3)} (goal ≥ 0.90)`);
  } finally {
    if (ref)
      await service
        .deleteProject({ id: "", email: "", name: null, role: "ADMIN" }, { ref, confirmRef: ref }, { asAdmin: true })
        .catch((e: unknown) => console.error(e));
    nginx.stop();
    await db.$disconnect();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
