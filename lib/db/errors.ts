// Prisma error codes, checked by shape: the SQLite and Postgres clients are
// two generated packages with two distinct error classes, so `instanceof`
// against one of them would miss the other.
function prismaCode(err: unknown): string | undefined {
  if (typeof err === "object" && err !== null && "code" in err) {
    const code = (err as { code: unknown }).code;
    return typeof code === "string" ? code : undefined;
  }
  return undefined;
}

export function isUniqueViolation(err: unknown): boolean {
  return prismaCode(err) === "P2002";
}
