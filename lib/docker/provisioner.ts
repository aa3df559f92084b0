// The runtime ports (lib/stack/runtime-port.ts) on one Docker engine through
// dockerode, for one installation: the runtime, data operations, Edge
// Function files and the freezer; one engine has no placement.
import type Docker from "dockerode";
import { createDockerClient } from "@/lib/docker/client";
import { watchContainerEvents } from "@/lib/docker/events";
import { containerLogs } from "@/lib/docker/logs";
import { stackUsage, volumeSizes } from "@/lib/docker/stats";
import { readMetadata, writeMetadata } from "@/lib/docker/metadata";
import { listEngineStacks, removeServiceContainer, removeStack, usedHostPorts, usedSubnets } from "@/lib/docker/resources";
import { applyStack, inspectStack, stopStack } from "@/lib/docker/stack-runner";
import { freezeStack, isFrozen, thawStack, thawWhole } from "@/lib/docker/freeze";
import { containerName } from "@/lib/stack/build-stack-spec";
import type { StackSpec } from "@/lib/stack/types";
import { exportData, importData } from "@/lib/docker/data-archive";
import { upgradeData } from "@/lib/docker/pg-upgrade";
import { runExec } from "@/lib/docker/exec-stream";
import { psqlCommand } from "@/lib/docker/psql-session";
import { removeGenerationVolumes } from "@/lib/docker/volume-helper";
import { listArchive, readArchived, removeArchived, removeRestoreWal } from "@/lib/docker/wal-archive";
import { ResourceConflictError } from "@/lib/errors";
import { functionVolumeOf, readFunctionDir, removeFunctionDir, writeFunctionDir } from "@/lib/docker/function-files";
import type { DataOps, FunctionFiles, Provisioner } from "@/lib/stack/runtime-port";

export interface DockerProvisionerOptions {
  /** An image to read a metadata volume with when the stack has no container left
   * (the template's db image); any image on the engine will do. */
  helperImage?: string;
  /** Fill new db data volumes from their template's seed (lib/docker/db-seed.ts); default true. */
  dbSeed?: boolean;
}

export function dockerProvisioner(docker: Docker, installationId: string, opts: DockerProvisionerOptions = {}): Provisioner {
  const dbSeed = opts.dbSeed ?? true;
  const own = (spec: StackSpec) => {
    if (spec.installationId !== installationId) throw new ResourceConflictError("spec of another installation");
  };
  return {
    installationId,
    engineName: "Docker",
    up: (spec, { onEvent, signal }) => applyStack(docker, spec, { onEvent, signal, dbSeed }),
    pause: async (ref) => {
      await stopStack(docker, ref, installationId);
    },
    restart: async (spec, { onEvent, signal }) => {
      await stopStack(docker, spec.ref, installationId);
      await applyStack(docker, spec, { onEvent, signal, dbSeed });
    },
    replaceService: async (spec, service, { onEvent, signal }) => {
      await removeServiceContainer(docker, spec, service);
      // Makes only what is missing (the one container) and starts nothing else anew.
      await applyStack(docker, spec, { onEvent, signal, dbSeed });
    },
    // Thawed first: a frozen container is removed like any other.
    destroy: async (ref) => {
      await thawStack(docker, ref, installationId);
      return removeStack(docker, ref, installationId, { volumes: true });
    },
    removeContainers: async (ref) => {
      await thawStack(docker, ref, installationId);
      return removeStack(docker, ref, installationId, { volumes: false });
    },
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
    data: dockerDataOps(docker, installationId, own),
    walArchive: {
      list: (ref) => listArchive(docker, ref, installationId),
      read: (ref, name) => readArchived(docker, ref, installationId, name),
      remove: (ref, files) => removeArchived(docker, ref, installationId, files),
      removeRestoreWal: (ref) => removeRestoreWal(docker, ref, installationId),
    },
    functions: dockerFunctionFiles(docker, own),
    freezer: {
      freeze: async (ref) => {
        await freezeStack(docker, ref, installationId);
      },
      thaw: (ref) => thawStack(docker, ref, installationId),
      isFrozen: (ref) => isFrozen(docker, ref, installationId),
      thawWhole: (ref) => thawWhole(docker, ref, installationId),
    },
  };
}

export function createDockerProvisioner(socketPath: string, installationId: string, opts: DockerProvisionerOptions = {}): Provisioner {
  return dockerProvisioner(createDockerClient(socketPath), installationId, opts);
}

function dockerDataOps(docker: Docker, installationId: string, own: (spec: StackSpec) => void): DataOps {
  return {
    exportData: (spec, out) => {
      own(spec);
      return exportData(docker, spec, out);
    },
    importData: async (spec, entries) => {
      own(spec);
      await importData(docker, spec, entries);
    },
    removeGeneration: (ref, generation) => removeGenerationVolumes(docker, ref, installationId, generation),
    upgradeData: async (from, to, upgradeOpts) => {
      own(from);
      own(to);
      await upgradeData(docker, from, to, upgradeOpts);
    },
    runSql: async (ref, script, { password }) => {
      // Only this installation's container: its labels are checked before anything runs in it.
      const mine = (await listEngineStacks(docker)).some(
        (s) => s.ref === ref && s.installation === installationId && s.containers.some((c) => c.service === "db" && c.running),
      );
      if (!mine) throw new ResourceConflictError(`No running db container of ${ref} belongs to this installation.`);
      return runExec(docker, containerName(ref, "db"), psqlCommand(["-f", "-"]), { env: [`PGPASSWORD=${password}`], input: script });
    },
  };
}

function dockerFunctionFiles(docker: Docker, own: (spec: StackSpec) => void): FunctionFiles {
  return {
    writeFunction: async (spec, slug, stage, tar) => {
      own(spec);
      await writeFunctionDir(docker, await functionVolumeOf(docker, spec), slug, stage, tar);
    },
    removeFunction: async (spec, slug) => {
      own(spec);
      await removeFunctionDir(docker, await functionVolumeOf(docker, spec), slug);
    },
    readFunction: async (spec, slug, limits) => {
      own(spec);
      return readFunctionDir(docker, await functionVolumeOf(docker, spec), slug, limits);
    },
  };
}
