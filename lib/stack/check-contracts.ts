// Holds a StackSpec to the image contracts of its template version
// (templates/supabase/<version>/images.ts):
// would each real image be able to read the files we hand it, write the
// volumes it writes, run its health check, and does it run as the user
// upstream runs it as? Pure: no Docker. Stand-ins cannot show these failures
// unless they copy the contracts exactly, so this is the first line of defence.
import type { ImageContract, PathOwner } from "@/templates/supabase/contract-types";
import { loadTemplate } from "@/lib/stack/template";
import type { ServiceName, ServiceSpec, StackSpec } from "@/lib/stack/types";

export type ContractRule =
  | "file-undeclared"
  | "file-unreadable"
  | "secret-exposed"
  | "volume-undeclared"
  | "volume-unwritable"
  | "volume-unreadable"
  | "health-tool-missing"
  | "runs-as-root"
  | "user-mismatch"
  | "contract-missing";

export interface ContractViolation {
  service: ServiceName;
  rule: ContractRule;
  message: string;
}

interface Identity {
  /** null: unknown account; matches no owner, so only "other" bits count. */
  uid: number | null;
  gid: number | null;
}

interface Owner {
  uid: number | null;
  gid: number | null;
  mode: number;
  /** owned by the process user itself (ids may be unknown) */
  self?: boolean;
}

const READ = 4;
const WRITE = 2;
const EXEC = 1;

/** POSIX DAC as the kernel applies it to files and directories: owner bits if uid matches, else group bits, else other. Root bypasses all three. */
export function permits(who: Identity, owner: Owner, bit: number): boolean {
  if (who.uid === 0) return true;
  if (owner.self || (who.uid !== null && who.uid === owner.uid)) return ((owner.mode >> 6) & bit) !== 0;
  if (who.gid !== null && who.gid === owner.gid) return ((owner.mode >> 3) & bit) !== 0;
  return (owner.mode & bit) !== 0;
}

function ownerOf(owner: PathOwner): Owner {
  if (owner === "absent") return { uid: 0, gid: 0, mode: 0o755 };
  if ("account" in owner) return { uid: null, gid: null, mode: owner.mode, self: true };
  return owner;
}

/** The identity the container runs as: the spec's `user` override, else the image's. */
function effectiveUser(svc: ServiceSpec, contract: ImageContract): Identity & { overridden: boolean } {
  if (svc.user === undefined) return { uid: contract.user.uid, gid: contract.user.gid, overridden: false };
  const [u, g] = svc.user.split(":");
  const num = (v: string | undefined): number | null => (v !== undefined && /^\d+$/.test(v) ? Number(v) : v === "root" ? 0 : null);
  const uid = num(u);
  // Without a group Docker takes the user's primary group from the image's passwd.
  const gid = g !== undefined ? num(g) : uid !== null && uid === contract.user.uid ? contract.user.gid : null;
  return { uid, gid, overridden: true };
}

/** The program a Docker health check runs first. */
function healthTools(test: string[]): string[] {
  const [kind, ...rest] = test;
  const base = (p: string) => p.split("/").pop() ?? p;
  if (kind === "CMD" && rest[0]) return [base(rest[0])];
  if (kind === "CMD-SHELL" && rest[0]) {
    const first = rest[0].trim().split(/\s+/)[0] ?? "";
    return ["sh", base(first)];
  }
  return [];
}

export interface CheckOptions {
  /** Secret values; any file holding one must not be readable by "other". */
  secrets?: string[];
  /** default: the contracts of the spec's own template version */
  contracts?: Record<string, ImageContract>;
}

export function checkStackAgainstContracts(spec: StackSpec, opts: CheckOptions = {}): ContractViolation[] {
  const contracts = opts.contracts ?? loadTemplate(spec.stackVersion).contracts;
  const secrets = (opts.secrets ?? []).filter((s) => s.length >= 8);
  const out: ContractViolation[] = [];
  const add = (service: ServiceName, rule: ContractRule, message: string) => out.push({ service, rule, message });

  // Who owns each named volume depends on which container mounts it first, so
  // every mounting image's directory is a possible owner.
  const volumeOwners = new Map<string, Array<{ service: ServiceName; owner: Owner }>>();
  for (const svc of spec.services) {
    const c = contracts[svc.service];
    if (!c) continue; // reported below
    for (const m of svc.mounts) {
      if (m.type !== "volume") continue;
      const declared = c.writes.find((w) => w.path === m.target);
      const owner = declared ? ownerOf(declared.owner) : ownerOf("absent");
      // A path owned by "the process user" of one image is, to another image, an unknown account.
      const resolved = owner.self ? { uid: c.user.uid, gid: c.user.gid, mode: owner.mode, self: false } : owner;
      volumeOwners.set(m.source, [...(volumeOwners.get(m.source) ?? []), { service: svc.service, owner: resolved }]);
    }
  }

  for (const svc of spec.services) {
    const c = contracts[svc.service];
    if (!c) {
      add(svc.service, "contract-missing", `${spec.stackVersion} has no image contract for ${svc.service} (${svc.image})`);
      continue;
    }
    const who = effectiveUser(svc, c);

    if (who.uid === 0 && c.user.uid !== 0) {
      add(svc.service, "runs-as-root", `runs as root, but ${c.image} runs as ${c.user.user} (${c.user.uid ?? "?"}:${c.user.gid ?? "?"})`);
    } else if (who.overridden && (who.uid !== c.user.uid || who.gid !== c.user.gid)) {
      add(svc.service, "user-mismatch", `user "${svc.user}" differs from ${c.image}'s ${c.user.uid ?? "?"}:${c.user.gid ?? "?"}`);
    }

    for (const f of svc.files) {
      if (!c.reads.some((r) => r.path === f.path))
        add(svc.service, "file-undeclared", `${f.path} is not a path ${c.image} is known to read (add it to the contract with a source)`);
      if (!permits(who, f, READ)) {
        add(
          svc.service,
          "file-unreadable",
          `${f.path} is ${f.mode.toString(8).padStart(4, "0")} ${f.uid}:${f.gid}; ${c.image} reads it as ${c.user.user} (${who.uid ?? "?"}:${who.gid ?? "?"})`,
        );
      }
      if ((f.mode & 0o004) !== 0 && secrets.some((s) => f.content.includes(s))) {
        add(svc.service, "secret-exposed", `${f.path} holds a secret and is readable by every user (mode ${f.mode.toString(8).padStart(4, "0")})`);
      }
    }

    for (const m of svc.mounts) {
      if (m.type !== "volume") continue;
      const writes = c.writes.find((w) => w.path === m.target);
      const reads = c.reads.some((r) => r.path === m.target);
      if (!writes && !reads) {
        add(svc.service, "volume-undeclared", `volume mounted at ${m.target} is neither a read nor a write path of ${c.image}`);
        continue;
      }
      const prepared = writes?.preparedByEntrypoint !== undefined && c.startsAsRoot.value && !who.overridden;
      if (prepared) continue;
      for (const cand of volumeOwners.get(m.source) ?? []) {
        const own = cand.service === svc.service && writes ? ownerOf(writes.owner) : cand.owner;
        const from = cand.service === svc.service ? "its own image" : `${cand.service}'s image`;
        const desc = `${own.self ? "the process user" : `${own.uid ?? "?"}:${own.gid ?? "?"}`} ${own.mode.toString(8)}`;
        if (writes && !m.readOnly && !(permits(who, own, WRITE) && permits(who, own, EXEC))) {
          add(svc.service, "volume-unwritable", `${m.target} (volume ${m.source}) may be owned by ${desc} (from ${from}); ${c.user.user} cannot write it`);
        }
        if (!writes && !(permits(who, own, READ) && permits(who, own, EXEC))) {
          add(svc.service, "volume-unreadable", `${m.target} (volume ${m.source}) may be owned by ${desc} (from ${from}); ${c.user.user} cannot read it`);
        }
      }
    }

    if (svc.healthcheck) {
      for (const tool of healthTools(svc.healthcheck.test)) {
        const fact = c.tools[tool];
        if (!fact?.value) {
          add(
            svc.service,
            "health-tool-missing",
            `health check runs ${tool}, which ${c.image} ${fact ? "does not have" : "is not known to have"} (${fact?.source ?? "no contract fact"})`,
          );
        }
      }
    }
  }
  return out;
}
