// Checks an organization's audit log export offline (issue 31): every entry's
// hash, every link to the entry before, and the header's anchor and head. It
// needs nothing but this file and lib/audit/chain.ts (no database, no network).
//
//   npx tsx scripts/verify-audit.ts audit.jsonl [--head <hash>]
//
// --head: a head hash noted earlier (the organization's audit page shows it, as
// does an earlier export's header); the export must still contain it.
// Exit status: 0 verified, 1 tampered or malformed, 2 wrong usage.
import { readFileSync } from "node:fs";
import { verifyAuditExport } from "../lib/audit/chain";

function main(argv: string[]): number {
  const headAt = argv.indexOf("--head");
  const expectedHead = headAt >= 0 ? argv[headAt + 1] : undefined;
  const files = argv.filter((a, i) => a !== "--head" && (headAt < 0 || i !== headAt + 1));
  if (files.length !== 1 || (headAt >= 0 && !expectedHead)) {
    console.error("usage: npx tsx scripts/verify-audit.ts <export.jsonl> [--head <hash>]");
    return 2;
  }
  let text: string;
  try {
    text = readFileSync(files[0]!, "utf8");
  } catch (err) {
    console.error(`cannot read ${files[0]}: ${err instanceof Error ? err.message : String(err)}`);
    return 2;
  }
  const verdict = verifyAuditExport(text.split("\n"), { expectedHead });
  if (!verdict.ok) {
    console.error(`NOT VERIFIED: line ${verdict.line}: ${verdict.reason}`);
    return 1;
  }
  const from = verdict.first ? `entries ${verdict.first.seq}–${verdict.head?.seq}` : "no entries";
  console.info(`verified: ${verdict.entries} entries (${from}); head ${verdict.head?.hash ?? "none"}`);
  return 0;
}

process.exit(main(process.argv.slice(2)));
