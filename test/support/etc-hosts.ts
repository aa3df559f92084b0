// Names in /etc/hosts for tests whose clients resolve through the system
// (getaddrinfo does not resolve *.localhost here: ../shared facts). Each line
// carries this process's marker and goes again when the test is done; the
// file is rewritten in place (it is often a bind mount).
import { createServer } from "node:net";
import { readFileSync, writeFileSync } from "node:fs";

const HOSTS = "/etc/hosts";

/** Adds `ip name` lines; the returned function removes exactly them. Throws, naming the file, when it cannot. */
export function addHostsEntries(names: string[], ip = "127.0.0.1"): () => void {
  const marker = `# supafleet-test ${process.pid} ${Date.now()}`;
  const lines = names.map((n) => `${ip} ${n} ${marker}`);
  try {
    const before = readFileSync(HOSTS, "utf8");
    writeFileSync(HOSTS, `${before.endsWith("\n") || before === "" ? before : `${before}\n`}${lines.join("\n")}\n`);
  } catch (err) {
    throw new Error(`This test resolves ${names.join(", ")} through ${HOSTS}, which it cannot write (${String(err)}): run it as root`);
  }
  return () => {
    const now = readFileSync(HOSTS, "utf8");
    writeFileSync(
      HOSTS,
      now
        .split("\n")
        .filter((l) => !l.endsWith(marker))
        .join("\n"),
    );
  };
}

/** Fails with a message naming the port and its use when something already listens there. */
export async function assertPortFree(port: number, host: string, why: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const srv = createServer();
    srv.once("error", (err: NodeJS.ErrnoException) =>
      reject(new Error(`${host}:${port} is taken (${err.code}): ${why}. Stop what listens there (ss -ltnp 'sport = :${port}') and run the test again`)),
    );
    srv.listen(port, host, () => srv.close(() => resolve()));
  });
}
