// Caps on what an owner can start over and over: each backup, restore, clone
// or download streams a whole project through the host's disk and CPU.
import { getRateLimiter } from "@/lib/services";

export const BACKUP_CAPS = {
  backup: { points: 12, windowSec: 3600, subject: "backups started" },
  restore: { points: 12, windowSec: 3600, subject: "restores and clones started" },
  download: { points: 30, windowSec: 3600, subject: "backup downloads" },
} as const;

export async function throttleBackups(kind: keyof typeof BACKUP_CAPS, userId: string): Promise<void> {
  const cap = BACKUP_CAPS[kind];
  await getRateLimiter().consumeCap(`backups:${kind}`, userId, cap.points, cap.windowSec, cap.subject);
}
