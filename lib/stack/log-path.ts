// How a project's container logs reach its own Vector without any container
// holding the Docker socket (upstream mounts it into Vector, which would let
// one tenant read every project's logs and drive the engine). The engine
// pushes them: every container of the project but Vector logs through
// Docker's fluentd driver to the project's Vector (fluent source, port
// 24224), published on a loopback address that is the project's alone.
//
// The address comes from the project's leased subnet (first host address,
// moved into 127.0.0.0/8, which Linux routes to the loopback interface as a
// whole): subnets are unique on the engine, so no two projects, of this
// installation or another, share an intake. Only processes on the host can
// reach it; the engine is one of them. The other containers start after
// Vector's; `fluentd-async` keeps a container running should its Vector stop,
// and Docker's dual logging keeps `docker logs` (the dashboard's log viewer)
// working.
import { parseCidr } from "@/lib/net/cidr";
import type { ServiceSpec } from "@/lib/stack/types";

/** The port of Vector's fluent source in the templates' vector.yml. */
export const FLUENT_PORT = 24224;

/** 127.b.c.d from the subnet's first host address a.b.c.d; null for something that is no IPv4 subnet. */
export function logIntakeAddress(subnet: string): string | null {
  const c = parseCidr(subnet);
  if (!c || c.prefix > 30) return null;
  const first = (c.base + 1) >>> 0;
  return `127.${(first >>> 16) & 255}.${(first >>> 8) & 255}.${first & 255}`;
}

/**
 * Points every service but Vector at the project's Vector, and publishes
 * Vector's intake there. Without a subnet (projects made before subnet
 * leases) or without Vector, the services keep Docker's default driver.
 */
export function withLogPath(services: ServiceSpec[], subnet: string | undefined): ServiceSpec[] {
  const vector = services.find((s) => s.service === "vector");
  const address = subnet ? logIntakeAddress(subnet) : null;
  if (!vector || !address) return services;
  return services.map((s) =>
    s === vector
      ? { ...s, logIntake: { containerPort: FLUENT_PORT, hostPort: FLUENT_PORT, hostIp: address } }
      : {
          ...s,
          // Started after Vector's container: a line written while nothing
          // listens waits in the driver, which retries with a backoff that
          // grows to a minute (measured: imgproxy, which starts at once,
          // reached its Vector only after more than 90 s).
          dependsOn: s.dependsOn.some((d) => d.service === "vector") ? s.dependsOn : [...s.dependsOn, { service: "vector", condition: "service_started" }],
          logging: {
            driver: "fluentd",
            options: {
              "fluentd-address": `tcp://${address}:${FLUENT_PORT}`,
              "fluentd-async": "true",
              // Vector routes on the tag, as upstream routes on the container name.
              tag: s.containerName,
              // Dual logging's local copy, bounded like the json-file default below.
              "cache-max-size": "10m",
              "cache-max-file": "3",
            },
          },
        },
  );
}
