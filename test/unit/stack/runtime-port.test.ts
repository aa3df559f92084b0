// An engine without a port says so by leaving it out; the callers' check
// (dataOpsOf, functionFilesOf) refuses with the feature's own message before
// anything is touched, as the Swarm adapter's throwing methods did.
import { describe, expect, it } from "vitest";
import { InvalidStateError } from "@/lib/errors";
import { dataOpsOf, functionFilesOf, type Provisioner } from "@/lib/stack/runtime-port";
import { FakeEngine } from "@/test/support/fake-provisioner";

describe("capability checks", () => {
  const engine = new FakeEngine();
  const full = engine.provisioner("0123456789abcdef");
  const swarmLike: Provisioner = { ...full, engineName: "Swarm", data: undefined, functions: undefined };

  it("give the port when the engine has it", () => {
    expect(dataOpsOf(full, "backups")).toBe(full.data);
    expect(functionFilesOf(full)).toBe(full.functions);
  });

  it("refuse with the feature's message and the engine's name when it has not, and touch nothing", () => {
    const cases: Array<[() => unknown, RegExp]> = [
      [() => dataOpsOf(swarmLike, "backups"), /^Backups, restores and clones are not available on the Swarm engine yet \(docs\/scale-out\.md\)\.$/],
      [() => dataOpsOf(swarmLike, "upgrades"), /^Postgres major upgrades are not available on the Swarm engine yet/],
      [() => functionFilesOf(swarmLike), /^Deploying Edge Functions through the Management API is not available on the Swarm engine yet/],
    ];
    for (const [call, message] of cases) {
      expect(call).toThrow(InvalidStateError);
      expect(call).toThrow(message);
    }
    expect(engine.calls).toEqual([]);
  });
});
