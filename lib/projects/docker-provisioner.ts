// The Provisioner on a Docker engine through dockerode, for one installation.
import type Docker from "dockerode";
import { createDockerClient } from "@/lib/docker/client";
import { watchContainerEvents } from "@/lib/docker/events";
import { containerLogs } from "@/lib/docker/logs";
import { stackUsage, volumeSizes } from "@/lib/docker/stats";
import { readMetadata, writeMetadata } from "@/lib/docker/metadata";
import { listEngineStacks, removeServiceContainer, removeStack, usedHostPorts, usedSubnets } from "@/lib/docker/resources";
import { applyStack, inspectStack, stopStack } from "@/lib/docker/stack-runner";
import { containerName } from "@/lib/stack/build-stack-spec";
import type { Provisioner } from "@/lib/projects/provisioner";

export interface DockerProvisionerOptions {
  /** An image to read a metadata volume with when the stack has no container left
   * (the template's db image); any image on the engine will do. */
  helperImage?: string;
}

export function dockerProvisioner(docker: Docker, installationId: string, opts: DockerProvisionerOptions = {}): Provisioner {
  return {
    installationId,
    up: (spec, { onEvent, signal }) => applyStack(docker, spec, { onEvent, signal }),
    pause: async (ref) => {
      await stopStack(docker, ref, installationId);
    },
    restart: async (spec, { onEvent, signal }) => {
      await stopStack(docker, spec.ref, installationId);
      await applyStack(docker, spec, { onEvent, signal });
    },
    replaceService: async (spec, service, { onEvent, signal }) => {
      await removeServiceContainer(docker, spec, service);
      // Makes only what is missing (the one container) and starts nothing else anew.
      await applyStack(docker, spec, { onEvent, signal });
    },
    destroy: (ref) => removeStack(docker, ref, installationId, { volumes: true }),
    removeContainers: (ref) => removeStack(docker, ref, installationId, { volumes: false }),
    status: (ref) => inspectStack(docker, ref, installationId),
    logs: (ref, service, logOpts) => containerLogs(docker, containerName(ref, service), logOpts),
    listStacks: () => listEngineStacks(docker),
    usedHostPorts: () => usedHostPorts(docker),
    usedSubnets: () => usedSubnets(docker),
    readMetadata: (ref) => readMetadata(docker, ref, installationId, opts.helperImage),
    writeMetadata: (ref, sealed) => writeMetadata(docker, ref, installationId, sealed, opts.helperImage),
    watch: (onChange, signal) => watchContainerEvents(docker, installationId, (e) => onChange(e.ref), signal),
    usage: (ref) => stackUsage(docker, ref, installationId),
    volumeSizes: () => volumeSizes(docker, installationId),
  };
}

export function createDockerProvisioner(socketPath: string, installationId: string, opts: DockerProvisionerOptions = {}): Provisioner {
  return dockerProvisioner(createDockerClient(socketPath), installationId, opts);
}
