import { createServer } from "node:net";

/**
 * True when nothing on the host listens on `port` for either address family we
 * publish on (Kong on 127.0.0.1, Postgres/pooler on 0.0.0.0). The database
 * lease is the real reservation; this catches ports taken by other software.
 */
export async function isHostPortFree(port: number): Promise<boolean> {
  for (const host of ["0.0.0.0", "127.0.0.1"]) {
    const free = await new Promise<boolean>((resolve) => {
      const srv = createServer();
      srv.once("error", () => resolve(false));
      srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolve(true)));
    });
    if (!free) return false;
  }
  return true;
}
