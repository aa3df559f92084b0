// GET …/analytics/endpoints/logs.all from the containers' own logs (the
// query rules are lib/api/logs-query.ts). Owner only: the project service's
// logs are the owner's, as on the project page. Each request reads at most
// LOG_TAIL lines per container, under the caller's share of the SQL gate.
import { NotFoundError } from "@/lib/errors";
import type { ProjectService } from "@/lib/projects/service";
import type { TokenPrincipal } from "@/lib/tokens/service";
import type { SqlGate } from "@/lib/api/config-write-api";
import { logRows, parseLogsQuery, type TimedLine } from "@/lib/api/logs-query";

export type LogsProjects = Pick<ProjectService, "logs">;
/** Lines read from the end of each container's log: a bound on memory and time per request. */
export const LOG_TAIL = 5000;

export class LogsApi {
  constructor(
    private readonly projects: LogsProjects,
    private readonly gate: SqlGate,
  ) {}

  async logs(
    p: TokenPrincipal,
    ref: string,
    query: { sql?: string; iso_timestamp_start?: string; iso_timestamp_end?: string },
  ): Promise<{ result: unknown[] }> {
    const q = parseLogsQuery(query, Date.now());
    return this.gate(p.user.id, async () => {
      // The first of the source's services that has a container (the gateway is api-gw or kong, by template).
      for (const service of q.services) {
        const lines: TimedLine[] = [];
        try {
          for await (const l of await this.projects.logs(p.user, ref, service, { tail: LOG_TAIL, follow: false })) lines.push({ time: l.time, line: l.line });
        } catch (err) {
          if (err instanceof NotFoundError && /container/.test(err.message)) continue;
          throw err;
        }
        return { result: logRows(q, lines) };
      }
      return { result: [] };
    });
  }
}
