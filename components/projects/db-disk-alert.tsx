// The project's database disk against its plan's quota, when the disk guard
// (lib/projects/disk-guard.ts) has put it past a line: read-only, or warned.
import type { ProjectSummary } from "@/lib/projects/service";
import { Alert } from "@/components/ui/alert";

export function DbDiskAlert({ disk }: { disk: ProjectSummary["dbDisk"] }) {
  if (!disk) return null;
  if (disk.readOnly) {
    return (
      <Alert>
        <span data-testid="db-read-only">
          The database is read-only: it uses {disk.usedMb} MiB of its {disk.quotaMb} MiB disk quota. Reads work; to delete data, run{" "}
          <code>SET default_transaction_read_only = off</code> in your session first. It becomes writable again once it is below {disk.readOnlyPercent} % of the
          quota.
        </span>
      </Alert>
    );
  }
  if (!disk.warning) return null;
  return (
    <Alert tone="info">
      <span data-testid="db-disk-warning">
        The database uses {disk.usedMb} MiB, {Math.round((disk.usedMb * 100) / disk.quotaMb)} % of its {disk.quotaMb} MiB disk quota. At {disk.readOnlyPercent}{" "}
        % it becomes read-only.
      </span>
    </Alert>
  );
}
