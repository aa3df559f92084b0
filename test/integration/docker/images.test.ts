// Image pulls against a real registry (Debian's docker-registry on loopback):
// the admin's pre-pull shows what is missing and pulls it with progress per
// image, and a create whose image is not on the host pulls it first and only
// then starts its clock.
import type Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { imagePresent } from "@/lib/docker/images";
import { ImagePuller } from "@/lib/images/puller";
import { ensureDockerHost } from "@/test/support/docker-host";
import { startRegistry, type Registry } from "@/test/support/registry";
import { ensureStandinImages, STANDIN_IMAGE_OVERRIDES } from "@/test/support/standin-images";
import { randomBytes } from "node:crypto";

let docker: Docker;
let registry: Registry;
let image: string;

beforeAll(async () => {
  docker = await ensureDockerHost();
  await ensureStandinImages(docker);
  registry = await startRegistry();
  // An image under a fresh name, published: the host does not have it.
  image = await registry.publishScratch(docker, `supafleet-pulltest/rest:${randomBytes(4).toString("hex")}`);
});

afterAll(async () => {
  if (image)
    await docker
      .getImage(image)
      .remove({ force: true })
      .catch(() => undefined);
  await registry?.stop();
});

describe("pre-pulling the template's images", () => {
  it("shows the missing image, pulls it with progress, then shows it present", async () => {
    expect(await imagePresent(docker, image)).toBe(false);
    const puller = new ImagePuller(docker, { ...STANDIN_IMAGE_OVERRIDES, rest: image });
    const before = await puller.status();
    expect(before.images.find((i) => i.image === image)).toMatchObject({ present: false });
    expect(before.images.filter((i) => i.image !== image).every((i) => i.present)).toBe(true);
    const started = await puller.start();
    expect(started.running).toBe(true);
    // A second start while one runs does not start another pull.
    expect((await puller.start()).startedAt).toBe(started.startedAt);
    await expect.poll(async () => (await puller.status()).running, { timeout: 60_000 }).toBe(false);
    const after = await puller.status();
    expect(after.error).toBeNull();
    expect(after.images.every((i) => i.present)).toBe(true);
    expect(await imagePresent(docker, image)).toBe(true);
  });

  it("reports a pull that fails, by image", async () => {
    const puller = new ImagePuller(docker, { ...STANDIN_IMAGE_OVERRIDES, rest: `${registry.host}/supafleet-pulltest/does-not-exist:1` });
    await puller.start();
    await expect.poll(async () => (await puller.status()).running, { timeout: 60_000 }).toBe(false);
    expect((await puller.status()).error).toContain("does-not-exist");
  });
});
