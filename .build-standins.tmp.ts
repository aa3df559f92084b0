import { createDockerClient } from "@/lib/docker/client";
import { ensureStandinImages } from "@/test/support/standin-images";
const t = Date.now();
ensureStandinImages(createDockerClient("/var/run/docker.sock")).then((r) => { console.log(JSON.stringify(r), `${((Date.now() - t) / 1000).toFixed(0)} s`); }, (e) => { console.error(e); process.exit(1); });
