// Child for the fault drill: a Supafleet "app process" that starts a create
// (or a delete) and keeps running until the parent kills it with SIGKILL.
import { createDb } from "@/lib/db/client";
import { createDockerProvisioner } from "@/lib/projects/docker-provisioner";
import { ProjectService } from "@/lib/projects/service";
import { STANDIN_IMAGE_OVERRIDES } from "@/test/support/standin-images";

async function main(): Promise<void> {
  const [mode, dbUrl, keyHex, userId, ref] = process.argv.slice(2);
  const db = createDb(dbUrl!);
  const service = new ProjectService(db, createDockerProvisioner("/var/run/docker.sock"), { apply: async () => undefined }, {
    portRange: { start: 57300, end: 57499 },
    masterKey: Buffer.from(keyHex!, "hex"),
    rootDomain: "bench.test",
    publicScheme: "http",
    imageOverrides: STANDIN_IMAGE_OVERRIDES,
    dockerSocket: "/var/run/docker.sock",
  });
  const user = { id: userId!, email: "drill@example.com", name: null, role: "USER" as const };
  if (mode === "create") {
    const p = await service.createProject(user, { name: "Drill" });
    console.log(`REF ${p.ref}`);
    await service.waitForIdle(p.ref);
    console.log("DONE");
  } else {
    console.log("DELETING");
    await service.deleteProject(user, { ref: ref!, confirmRef: ref! });
    console.log("DONE");
  }
  // Stay alive until killed (a pending promise alone does not keep node running).
  setInterval(() => undefined, 60_000);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
