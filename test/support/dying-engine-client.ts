// A Supafleet process that dies, for the engine: its own dockerode client
// whose connections all drop at die() and which never connects again. A test
// that stops a runtime at a step (a promise that never settles) leaves that
// runtime's engine requests open, which a real death does not: an archive
// upload the engine is still reading keeps its container locked, and nothing
// can remove it. Dropping the connections is what the engine sees when the
// process is killed; what the dead process made (a helper container, half a
// volume) stays behind, as it would.
import { Agent, type AgentOptions } from "node:http";
import { Socket, type NetConnectOpts } from "node:net";
import type { Duplex } from "node:stream";
import Docker from "dockerode";

class DyingAgent extends Agent {
  private dead = false;
  private readonly open = new Set<Duplex>();

  constructor(opts?: AgentOptions) {
    super(opts);
  }

  override createConnection(options: NetConnectOpts, callback?: (err: Error | null, socket: Duplex) => void): Duplex {
    if (this.dead) {
      // A dead process makes no new requests: fail them without reaching the engine.
      const s = new Socket();
      process.nextTick(() => s.destroy(new Error("this Supafleet process is dead")));
      return s;
    }
    const s = super.createConnection(options, callback) as Duplex;
    this.open.add(s);
    s.once("close", () => this.open.delete(s));
    return s;
  }

  die(): void {
    this.dead = true;
    for (const s of this.open) s.destroy();
    this.open.clear();
  }
}

export function dyingEngineClient(socketPath: string): { docker: Docker; die: () => void } {
  const agent = new DyingAgent();
  // docker-modem passes `agent` on to http.request (lib/modem.js); @types/dockerode does not list it.
  const options: Docker.DockerOptions & { agent: Agent } = { socketPath, agent };
  return { docker: new Docker(options), die: () => agent.die() };
}
