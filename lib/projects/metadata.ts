// A project's metadata, sealed under the master key and kept on its own
// metadata volume (lib/docker/metadata.ts): everything needed to rebuild its
// database row when the database does not have it (a restored backup, a lost
// row). Sealed, not just encrypted: the owner and ref inside are authenticated,
// so nobody with access to the engine can hand a stack to another user.
import { z } from "zod";
import { decryptSecrets, encryptSecrets } from "@/lib/crypto/secret-box";
import { INSTALLATION_ID_PATTERN } from "@/lib/installation/id";
import { PORT_PURPOSES, type PortPurposeName } from "@/lib/stack/types";
import { refSchema } from "@/lib/validations/project";

const port = z.number().int().min(1).max(65535);
const when = z.iso.datetime();

export const projectMetadataSchema = z.object({
  v: z.literal(1),
  installationId: z.string().regex(INSTALLATION_ID_PATTERN),
  projectId: z.string().min(1).max(64),
  ref: refSchema,
  name: z.string().min(1).max(200),
  region: z.string().max(64).nullable(),
  ownerId: z.string().min(1).max(64),
  ownerEmail: z.string().min(3).max(320),
  createdAt: when,
  /** First healthy start; null while the create has not finished. */
  activatedAt: when.nullable(),
  stackVersion: z.string().min(1).max(64),
  /** The database's secrets envelope as is (AES-GCM under the master key, bound to the ref). */
  secrets: z.string().min(1).max(20_000),
  /** Auth settings JSON (no secrets: the SMTP password is in `secrets`); absent before Auth settings existed. */
  authSettings: z.string().max(20_000).nullable().optional(),
  ports: z.object({ KONG_HTTP: port, POSTGRES: port, POOLER: port }),
  /** The network's leased subnet; absent for projects made before subnet leases. */
  subnet: z.string().max(32).nullable().optional(),
  /** The data volumes' generation (lib/stack/volumes.ts); absent before restores existed: 0. */
  dataGeneration: z.number().int().min(0).max(1_000_000_000).optional(),
});

export type ProjectMetadata = z.infer<typeof projectMetadataSchema>;

// A different associated-data string from the secrets envelope's: a sealed
// metadata file can never be passed off as a secrets envelope, or back.
const aad = (ref: string) => `supafleet-metadata:${ref}`;

export function sealMetadata(masterKey: Buffer, meta: ProjectMetadata): string {
  return encryptSecrets(masterKey, aad(meta.ref), JSON.stringify(projectMetadataSchema.parse(meta)));
}

export type Unsealed = { ok: true; meta: ProjectMetadata } | { ok: false; reason: string };

/** The newest file that unseals for this ref (files come newest first). */
export function unsealNewest(masterKey: Buffer, ref: string, files: string[]): Unsealed {
  if (!files.length) return { ok: false, reason: "it has no Supafleet metadata on its volumes" };
  for (const sealed of files) {
    try {
      const parsed = projectMetadataSchema.safeParse(JSON.parse(decryptSecrets(masterKey, aad(ref), sealed)));
      if (parsed.success && parsed.data.ref === ref) return { ok: true, meta: parsed.data };
    } catch {
      // Cut short, tampered with or sealed under another master key: try the next.
    }
  }
  return { ok: false, reason: "its metadata cannot be unsealed with this installation's master key" };
}

/** The project row's own fields that its metadata keeps (ProjectForSpec in lib/projects/context.ts has them too). */
export interface ProjectRecord {
  id: string;
  ref: string;
  name: string;
  region: string | null;
  createdAt: Date;
  activatedAt: Date | null;
  stackVersion: string;
  /** Encrypted under the master key (lib/crypto/secret-box.ts). */
  secrets: string;
}

export function metadataFor(
  installationId: string,
  p: ProjectRecord & {
    authSettings?: string | null;
    ports: Array<{ purpose: PortPurposeName; port: number }>;
    subnet?: { subnet: string } | null;
    dataGeneration?: number;
  },
  owner: { id: string; email: string },
): ProjectMetadata {
  const ports = Object.fromEntries(PORT_PURPOSES.map((purpose) => [purpose, p.ports.find((l) => l.purpose === purpose)?.port ?? 0])) as Record<
    PortPurposeName,
    number
  >;
  return {
    v: 1,
    installationId,
    projectId: p.id,
    ref: p.ref,
    name: p.name,
    region: p.region,
    ownerId: owner.id,
    ownerEmail: owner.email,
    createdAt: p.createdAt.toISOString(),
    activatedAt: p.activatedAt?.toISOString() ?? null,
    stackVersion: p.stackVersion,
    secrets: p.secrets,
    authSettings: p.authSettings ?? null,
    ports,
    subnet: p.subnet?.subnet ?? null,
    dataGeneration: p.dataGeneration ?? 0,
  };
}
