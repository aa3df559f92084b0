import Docker from "dockerode";
import { ensureStandinImages } from "@/test/support/standin-images";
const t = await ensureStandinImages(new Docker({ socketPath: "/var/run/docker.sock" }));
console.log(JSON.stringify(t));
