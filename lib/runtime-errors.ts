// The runtime adapters' errors: the Docker engine (lib/docker, lib/swarm) and
// nginx (lib/proxy). lib/errors.ts re-exports them, so every caller imports
// errors from one place; they live here to keep that file to one job.
import { AppError, appError } from "@/lib/app-error";

// ---- Docker runtime -------------------------------------------------------------

export class DockerUnavailableError extends appError("docker_unavailable", 503, (detail: string) => `The Docker engine is not reachable: ${detail}`) {}

export class ImagePullError extends AppError {
  readonly image: string;
  constructor(image: string, reason: string) {
    super("image_pull_failed", 502, `Image ${image} could not be pulled: ${reason}`);
    this.image = image;
  }
}

/** A project's own service answered a call of Supafleet's with an error (e.g. postgres-meta's type generator). */
export class UpstreamServiceError extends appError(
  "upstream_service_error",
  502,
  (service: string, detail: string) => `The project's ${service} answered with an error: ${detail}`,
  { exposed: true },
) {}

export class ServiceUnhealthyError extends appError(
  "service_unhealthy",
  502,
  (service: string, output: string) => `Service ${service} failed its health check${output ? `: ${output}` : "."}`,
) {}

export class ServiceExitedError extends appError(
  "service_exited",
  502,
  (service: string, exitCode: number, logTail: string) => `Service ${service} exited with code ${exitCode}${logTail ? `. Last log lines:\n${logTail}` : "."}`,
) {}

export class StackTimeoutError extends appError(
  "stack_timeout",
  504,
  (waitingFor: string[], seconds: number) => `The stack was not healthy after ${seconds} s; still waiting for: ${waitingFor.join(", ")}.`,
) {}

export class ResourceConflictError extends appError("resource_conflict", 409, (message: string) => message) {}

/** A Swarm node that holds a project stopped reporting: its tasks' states are stale. */
export class NodeUnavailableError extends appError(
  "node_unavailable",
  503,
  (node: string, state: string) => `Swarm node ${node} is ${state}; the state of the projects on it is unknown until it reports again.`,
) {}

// ---- proxy (nginx) ------------------------------------------------------------------

export class InvalidProxyInputError extends appError("invalid_proxy_input", 500, (message: string) => `Refusing to render nginx config: ${message}`) {}

export class NginxConfigInvalidError extends AppError {
  readonly nginxOutput: string;
  constructor(output: string) {
    super("nginx_config_invalid", 500, `nginx rejected the generated config; the previous one stays live. ${output.slice(0, 1000)}`);
    this.nginxOutput = output;
  }
}

/** The reload was signalled but nginx did not serve the new config in time; the new file stays (the next apply re-checks). */
export class NginxNotServingError extends appError(
  "nginx_not_serving",
  500,
  (output: string) => `nginx did not serve the new config in time; the file is in place and the next change applies it again. ${output.slice(0, 1000)}`,
) {}

export class NginxReloadError extends appError(
  "nginx_reload_failed",
  500,
  (output: string) => `nginx reload failed; the previous config was restored. ${output.slice(0, 1000)}`,
) {}
