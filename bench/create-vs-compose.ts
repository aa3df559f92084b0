// Create → ACTIVE_HEALTHY (issue 13), each against its comparisons in the
// same run, on stand-ins, alternating so that neither side always runs on a
// warmer host:
//   product   — ProjectService.createProject until ACTIVE_HEALTHY (leases,
//               secrets, metadata, the database from its template's seed,
//               the stack, its readiness probes);
//   no seed   — the same with SUPAFLEET_DB_SEED off: the db's first boot
//               runs every init script (the product before the seed);
//   probes on — applyStack on one rendered spec, readiness probes on;
//   probes off— the same spec waiting on Docker's own health status only
//               (the start path before issue 13);
//   compose   — the same spec written as a compose file, `docker-compose up -d`
//               and then waiting on the same health checks (Debian's
//               docker-compose 1.29 has no `up --wait`; it does wait for
//               `condition: service_healthy` dependencies itself);
//   compose 5s— the same, with upstream's own health-check intervals (5 s for
//               most services) instead of Supafleet's 30 s steady cadence:
//               what running upstream's compose file directly costs.
// Run: ROUNDS=2 npx tsx bench/create-vs-compose.ts   (needs `apt-get install docker-compose`)
//      VARIANTS="product,no seed,compose 5s" runs only those.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type Docker from "dockerode";
import { removeStack } from "@/lib/docker/resources";
import { applyStack } from "@/lib/docker/stack-runner";
import { generateProjectSecrets } from "@/lib/stack/secrets";
import type { StackSpec } from "@/lib/stack/types";
import { createDockerProvisioner } from "@/lib/docker/provisioner";
import { DOCKER_SOCKET } from "@/test/support/installation";
import { STANDIN_IMAGE_OVERRIDES } from "@/test/support/standin-images";
import { benchSetup, machine, makeUser, standinSpec } from "./common";

const ROUNDS = Number(process.env.ROUNDS ?? 2);
const ALL = ["product", "no seed", "probes on", "probes off", "compose", "compose 5s"] as const;
const VARIANTS = new Set(process.env.VARIANTS ? process.env.VARIANTS.split(",").map((v) => v.trim()) : ALL);
for (const v of VARIANTS) if (!(ALL as readonly string[]).includes(v)) throw new Error(`unknown variant "${v}"; known: ${ALL.join(", ")}`);
const PORTS = { kongHttp: 56960, postgres: 56961, pooler: 56962 };

const dollar = (v: string) => v.replaceAll("$", () => "$$"); // a literal $ in compose is $$
const duration = (ms: number) => `${ms}ms`;

/** The spec as a compose file (JSON is YAML), its files written under `dir` with their owners and modes. */
function specToCompose(spec: StackSpec, dir: string): string {
  const services: Record<string, unknown> = {};
  for (const s of spec.services) {
    const volumes: string[] = s.mounts.map((m) => `${m.source}:${m.target}${m.readOnly ? ":ro" : ""}`);
    s.files.forEach((f, i) => {
      const host = join(dir, s.service, `${i}-${f.path.split("/").pop()}`);
      mkdirSync(join(dir, s.service), { recursive: true });
      writeFileSync(host, f.content, { mode: f.mode });
      chownSync(host, f.uid, f.gid);
      volumes.push(`${host}:${f.path}:ro`);
    });
    services[s.service] = {
      image: s.image,
      container_name: s.containerName,
      environment: Object.fromEntries(Object.entries(s.env).map(([k, v]) => [k, dollar(v)])),
      ...(s.entrypoint ? { entrypoint: s.entrypoint.map(dollar) } : {}),
      ...(s.cmd ? { command: s.cmd.map(dollar) } : {}),
      ...(s.user ? { user: s.user } : {}),
      volumes,
      ports: s.ports.map((p) => `${p.hostIp}:${p.hostPort}:${p.containerPort}`),
      ...(s.healthcheck
        ? {
            healthcheck: {
              test: s.healthcheck.test.map(dollar),
              interval: duration(s.healthcheck.intervalMs),
              timeout: duration(s.healthcheck.timeoutMs),
              retries: s.healthcheck.retries,
              start_period: duration(s.healthcheck.startPeriodMs),
            },
          }
        : {}),
      depends_on: Object.fromEntries(s.dependsOn.map((d) => [d.service, { condition: d.condition }])),
      labels: s.labels,
      networks: { default: { aliases: s.aliases } },
      mem_limit: s.limits.memoryBytes,
      memswap_limit: s.limits.memoryBytes,
      cpus: s.limits.nanoCpus / 1e9,
      pids_limit: s.limits.pids,
    };
  }
  const file = {
    version: "2.4",
    services,
    volumes: Object.fromEntries(spec.volumes.map((v) => [v.name, { name: v.name, labels: v.labels }])),
    networks: {
      default: {
        name: spec.network.name,
        labels: spec.network.labels,
        ...(spec.network.subnet ? { ipam: { config: [{ subnet: spec.network.subnet }] } } : {}),
      },
    },
  };
  const path = join(dir, "docker-compose.yml");
  writeFileSync(path, JSON.stringify(file, null, 2));
  return path;
}

async function allHealthy(docker: Docker, spec: StackSpec): Promise<boolean> {
  for (const s of spec.services) {
    const info = await docker
      .getContainer(s.containerName)
      .inspect()
      .catch(() => null);
    if (!info?.State.Running) return false;
    const h = info.State.Health?.Status;
    if (h !== undefined && h !== "healthy") return false;
  }
  return true;
}

/** `upstreamIntervals`: the template's own health-check intervals (the spec otherwise raises them to 30 s). */
async function specFor(installationId: string, tag: string, upstreamIntervals = false): Promise<StackSpec> {
  const ref = `bench${tag}${randomBytes(8).toString("hex")}`.slice(0, 20).replace(/[0-9]/g, (d) => String.fromCharCode(97 + Number(d)));
  return standinSpec({
    ref,
    installationId,
    basePort: PORTS.kongHttp,
    secrets: await generateProjectSecrets(),
    ...(upstreamIntervals ? { healthIntervalMs: 1 } : {}),
  });
}

async function main(): Promise<void> {
  const { docker, db, service, installationId, restart } = await benchSetup({ portRange: { start: 56900, end: 56940 } });
  const noSeed = restart({
    provisioner: () => createDockerProvisioner(DOCKER_SOCKET, installationId, { helperImage: STANDIN_IMAGE_OVERRIDES.db, dbSeed: false }),
  });
  console.log(`machine: ${machine()}; docker-compose ${execFileSync("docker-compose", ["version", "--short"], { encoding: "utf8" }).trim()}; ${ROUNDS} rounds`);
  const user = await makeUser(db, "compose@example.com", ROUNDS + 1);
  const figures: Record<string, number[]> = Object.fromEntries(ALL.filter((v) => VARIANTS.has(v)).map((v) => [v, []]));
  try {
    for (let round = 0; round < ROUNDS; round++) {
      // product path, with and without the db seed
      let t = 0;
      for (const [name, svc] of [
        ["product", service],
        ["no seed", noSeed],
      ] as const) {
        if (!VARIANTS.has(name)) continue;
        t = performance.now();
        const { ref } = await svc.createProject(user, { name: `Compose bench ${round} ${name}` });
        await svc.waitForIdle(ref);
        const status = (await svc.getProject(user, ref)).status;
        if (status !== "ACTIVE_HEALTHY") throw new Error(`${name} create ended ${status}`);
        figures[name]!.push(performance.now() - t);
        await svc.deleteProject(user, { ref, confirmRef: ref });
      }

      for (const probe of [true, false]) {
        if (!VARIANTS.has(probe ? "probes on" : "probes off")) continue;
        const spec = await specFor(installationId, probe ? "p" : "d");
        try {
          t = performance.now();
          await applyStack(docker, spec, { probe, pollMs: 100 });
          figures[probe ? "probes on" : "probes off"]!.push(performance.now() - t);
        } finally {
          await removeStack(docker, spec.ref, installationId, { volumes: true });
        }
      }

      for (const upstream of [false, true]) {
        if (!VARIANTS.has(upstream ? "compose 5s" : "compose")) continue;
        const spec = await specFor(installationId, upstream ? "u" : "c", upstream);
        const dir = mkdtempSync(join(tmpdir(), "supafleet-compose-"));
        const file = specToCompose(spec, dir);
        const compose = (...args: string[]) => execFileSync("docker-compose", ["-p", spec.ref, "-f", file, ...args], { stdio: "pipe" });
        try {
          t = performance.now();
          compose("up", "-d");
          while (!(await allHealthy(docker, spec))) {
            if (performance.now() - t > 600_000) throw new Error("compose: not healthy in 600 s");
            await new Promise((r) => setTimeout(r, 100));
          }
          figures[upstream ? "compose 5s" : "compose"]!.push(performance.now() - t);
        } finally {
          compose("down", "-v", "--remove-orphans");
          await removeStack(docker, spec.ref, installationId, { volumes: true });
          rmSync(dir, { recursive: true, force: true });
        }
      }
      console.log(
        `round ${round + 1}: ${Object.entries(figures)
          .map(([k, v]) => `${k} ${((v.at(-1) ?? NaN) / 1000).toFixed(1)} s`)
          .join(", ")}`,
      );
    }
  } finally {
    await db.$disconnect();
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const m = Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, mean(v)]));
  for (const [k, v] of Object.entries(figures))
    console.log(`${k.padEnd(10)}: ${v.map((x) => (x / 1000).toFixed(1)).join(" / ")} s, mean ${(m[k]! / 1000).toFixed(1)} s`);
  const ratio = (a: string, b: string) => (m[a] !== undefined && m[b] !== undefined ? (m[a] / m[b]).toFixed(2) : "not run");
  console.log(
    `ratios (mean): compose / product ${ratio("compose", "product")}; compose with upstream's intervals / product ${ratio("compose 5s", "product")}; no seed / product ${ratio("no seed", "product")}; compose / probes on ${ratio("compose", "probes on")}; probes off / probes on ${ratio("probes off", "probes on")} (goal: product ≤ 15 s and ≥ 3× faster than compose)`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
