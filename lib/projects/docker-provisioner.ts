// The Provisioner on a Docker engine through dockerode.
import type Docker from "dockerode";
import { createDockerClient } from "@/lib/docker/client";
import { containerLogs } from "@/lib/docker/logs";
import { listManagedResources, removeStack } from "@/lib/docker/resources";
import { applyStack, inspectStack, stopStack } from "@/lib/docker/stack-runner";
import { containerName } from "@/lib/stack/build-stack-spec";
import type { Provisioner } from "@/lib/projects/provisioner";

export function dockerProvisioner(docker: Docker): Provisioner {
  return {
    up: (spec, { onEvent, signal }) => applyStack(docker, spec, { onEvent, signal }),
    pause: async (ref) => {
      await stopStack(docker, ref);
    },
    restart: async (spec, { onEvent, signal }) => {
      await stopStack(docker, spec.ref);
      await applyStack(docker, spec, { onEvent, signal });
    },
    destroy: (ref) => removeStack(docker, ref),
    status: (ref) => inspectStack(docker, ref),
    logs: (ref, service, opts) => containerLogs(docker, containerName(ref, service), opts),
    listManaged: () => listManagedResources(docker),
  };
}

export function createDockerProvisioner(socketPath: string): Provisioner {
  return dockerProvisioner(createDockerClient(socketPath));
}
