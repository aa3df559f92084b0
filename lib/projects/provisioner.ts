// The project service's names for the engine it drives. The ports themselves
// are declared in lib/stack/runtime-port.ts (a Runtime, and the optional
// DataOps, FunctionFiles and Placement); the adapters are lib/docker/provisioner.ts
// and lib/swarm/provisioner.ts, and test/support/fake-provisioner.ts keeps
// the service testable without an engine.
export type {
  DataOps,
  DataUpgradeOptions,
  ExportMethod,
  FunctionFiles,
  Freezer,
  ImportEntry,
  NodeAssignment,
  NodeView,
  OnProvisionEvent,
  Placement,
  Provisioner,
  Runtime,
  StackUsage,
} from "@/lib/stack/runtime-port";
export type { EngineContainer, EngineStack, Removed } from "@/lib/stack/engine-stacks";

// The runtime's reports are the adapter contract's own types (lib/stack/types.ts).
export type { StackEvent as ProvisionEvent, ServiceState as ServiceStatus, LogLine } from "@/lib/stack/types";
