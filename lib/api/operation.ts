// One Management API operation's description and the helper that fills its
// defaults; the table of them is lib/api/operations.ts.
import type { z } from "zod";

export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE" | "PATCH";

export interface ApiOperation<P extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType, B extends z.ZodType | undefined = z.ZodType | undefined> {
  method: HttpMethod;
  /** OpenAPI form: /v1/projects/{ref}. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: "Projects" | "Organizations" | "Profile" | "Database" | "Secrets" | "Auth" | "Storage" | "Edge Functions" | "Billing" | "Analytics" | "Domains" | "Meta";
  /** false only for the document itself. */
  auth: boolean;
  params: P;
  query: Q;
  body: B;
  /** Largest request body accepted, in bytes. */
  maxBodyBytes: number;
  success: { status: 200 | 201; description: string; schema?: z.ZodType; contentType?: string };
  /** A multipart/form-data body the route reads itself (body is then undefined): its schema, for the document. */
  multipartBody?: z.ZodType;
  /** Error statuses this operation can answer with (401 and 429 come with auth). */
  errors: number[];
}

export function op<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType | undefined = undefined>(
  o: Omit<ApiOperation<P, Q, B>, "maxBodyBytes" | "body"> & { body?: B; maxBodyBytes?: number },
): ApiOperation<P, Q, B> {
  return { ...o, body: o.body as B, maxBodyBytes: o.maxBodyBytes ?? 64 * 1024 };
}
