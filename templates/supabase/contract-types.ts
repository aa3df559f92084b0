// The shape of an image contract (one per image a template pins, in
// templates/supabase/<version>/images.ts) and the facts several share.
import type { MailLinkRule } from "@/lib/stack/auth-mail-link";
import type { ServiceName } from "@/lib/stack/types";

export interface Cited<T> {
  value: T;
  source: string;
}

export interface ProcessUser {
  /** null: not stated by any source we could read (treated as matching no owner). */
  uid: number | null;
  gid: number | null;
  user: string;
  group: string;
  source: string;
}

/** Owner of a path in the image before anything is mounted over it. */
export type PathOwner =
  /** The directory does not exist in the image: Docker creates the mount point root:root 0755. */
  | "absent"
  /** Owned by the contract's process user (same account, ids possibly unknown). */
  | { account: "process-user"; mode: number }
  | { uid: number; gid: number; mode: number };

export interface WritePath {
  path: string;
  owner: PathOwner;
  /** The image's entrypoint starts as root and prepares (chowns) this path before dropping privileges. */
  preparedByEntrypoint?: string;
  source: string;
}

export interface ReadPath {
  path: string;
  /** The file holds project secrets: the builder hands it over 0600, owned by the contract's user (whose ids must be known). */
  secret?: boolean;
  source: string;
}

export interface ImageContract {
  service: ServiceName;
  /** as pinned in the template version's docker-compose.yml */
  image: string;
  upstream: { repo: string; ref: string; commit: string; files: string[]; note?: string };
  /** The account that runs the service process and reads the files we hand it. */
  user: ProcessUser;
  /** The container's first process runs as root (the service itself may drop privileges later). */
  startsAsRoot: Cited<boolean>;
  entrypoint: Cited<string[] | null>;
  cmd: Cited<string[] | null>;
  /** Health-check tools and whether the image has them (absent key: unknown, treated as missing). */
  tools: Record<string, Cited<boolean>>;
  /** HEALTHCHECK baked into the image (applies when the template sets none). */
  imageHealthcheck: Cited<string[] | null>;
  reads: ReadPath[];
  writes: WritePath[];
  /**
   * Auth only: how the image joins API_EXTERNAL_URL and GOTRUE_MAILER_URLPATHS_*
   * into its mail links (lib/stack/auth-mail-link.ts). Read at the pinned tag,
   * never inherited by a newer tag: the template's URL paths are only right for
   * the rule they were checked against (test/unit/stack/auth-mail-link.test.ts).
   */
  mailLinks?: Cited<MailLinkRule>;
}

// Shared facts, cited once.
export const ALPINE_BUSYBOX_WGET = "Alpine's base is busybox; alpinelinux/aports@05253d2c main/busybox/busyboxconfig: CONFIG_WGET=y (busybox wget)";
export const DOCKER_USER_ROOT_GROUP =
  "docker/cli docs/reference/builder.md (USER, docker/cli#2091): when the user has no primary group the image runs with the root group";
export const NO_USER = (file: string) => `${file} has no USER instruction, so the process runs as root (0:0)`;
export const ROOT: Omit<ProcessUser, "source"> = { uid: 0, gid: 0, user: "root", group: "root" };

/** Docker's behaviour that the volume checks rely on, cited once. */
export const DOCKER_VOLUME_FACTS = {
  namedVolumeInheritsOwner:
    "Docker populates an empty named volume from the image's directory at the mount point and copies that directory's uid:gid and mode onto the volume " +
    '(docs.docker.com/engine/storage/volumes, "Populate a volume using a container"; moby daemon copyExistingContents -> copyOwnership)',
  absentMountPoint: "A mount point missing from the image is created by Docker as root:root 0755 (the volume keeps the local driver's root-owned directory)",
  putArchiveOwner:
    "PUT /containers/{id}/archive without copyUIDGID keeps the tar entries' uid/gid/mode (moby pkg/archive Unpack, Lchown from the header); missing parents are created root 0755",
} as const;
