import { ensureDockerHost } from "@/test/support/docker-host";
import { ensureStandinImages } from "@/test/support/standin-images";
const docker = await ensureDockerHost();
console.log(await ensureStandinImages(docker));
