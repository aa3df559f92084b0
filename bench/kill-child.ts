// Runs bench/fault-child.ts as an app process and SIGKILLs it `killAtMs`
// after its output first matches `waitFor`; resolves with what it printed.
import { spawn } from "node:child_process";

export function runChild(args: string[], killAtMs: number, waitFor: RegExp): Promise<string> {
  return new Promise((resolveOut, reject) => {
    // One process, killed as a group: the tsx CLI runs the script in a second
    // node process, and a SIGKILL to the CLI alone left that one running (the
    // first drill runs "killed" an app that went on creating and rolling back).
    const child = spawn(process.execPath, ["--import", "tsx", "bench/fault-child.ts", ...args], { stdio: ["ignore", "pipe", "inherit"], detached: true });
    let out = "";
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      if (!timer && waitFor.test(out)) timer = setTimeout(() => process.kill(-child.pid!, "SIGKILL"), killAtMs);
    });
    child.on("exit", (code, signal) => {
      if (signal !== "SIGKILL") reject(new Error(`the app process ended by itself (code ${code}, signal ${signal}) instead of being killed`));
      else resolveOut(out);
    });
    child.on("error", reject);
  });
}
