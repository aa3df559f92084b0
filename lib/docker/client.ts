import Docker from "dockerode";

export function createDockerClient(socketPath: string): Docker {
  return new Docker({ socketPath });
}

/** dockerode errors carry the engine's HTTP status; nothing else is inspected. */
export function statusOf(err: unknown): number | undefined {
  if (typeof err === "object" && err !== null && "statusCode" in err) {
    const code = (err as { statusCode: unknown }).statusCode;
    return typeof code === "number" ? code : undefined;
  }
  return undefined;
}

/** The engine's own message for an error (JSON body), else the error text. */
export function engineMessage(err: unknown): string {
  if (typeof err === "object" && err !== null && "json" in err) {
    const json = (err as { json: unknown }).json;
    if (json && typeof json === "object" && "message" in json) return String((json as { message: unknown }).message);
  }
  return err instanceof Error ? err.message : String(err);
}

export function labelFilter(labels: Record<string, string>): string {
  return JSON.stringify({ label: Object.entries(labels).map(([k, v]) => `${k}=${v}`) });
}
