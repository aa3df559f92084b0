// Who is acting, as every service sees it: the signed-in user (or the owner of
// an API token), the one check for administrators, and the one way a service
// turns untrusted input into its schema's value. Below every service, so
// users, projects, backups and admin all share it without reaching sideways.
import type { z } from "zod";
import type { Role } from "@/lib/domain";
import { ForbiddenError, ValidationError } from "@/lib/errors";

export interface SessionUser {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  /** Set when the owner of an API token acts through the Management API (the audit log says so). */
  via?: "api";
}

/** Throws unless the actor is an administrator. */
export function assertAdmin(actor: Pick<SessionUser, "role">): void {
  if (actor.role !== "ADMIN") throw new ForbiddenError("Administrators only.");
}

/** The schema's value, or a ValidationError whose field errors name the first path segment of each issue ("form" for the whole). */
export function parseOrThrow<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const r = schema.safeParse(input);
  if (!r.success) {
    const fieldErrors: Record<string, string[]> = {};
    for (const issue of r.error.issues) {
      const key = String(issue.path[0] ?? "form");
      (fieldErrors[key] ??= []).push(issue.message);
    }
    throw new ValidationError("Please correct the highlighted fields.", fieldErrors);
  }
  return r.data;
}
