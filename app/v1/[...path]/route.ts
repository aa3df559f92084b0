// Any other /v1 path: an operation of Supabase's Management API that
// Supafleet does not serve gets a 403 naming it, anything else a JSON 404
// (lib/api/not-served.ts), never the HTML page.
// Not an operation: test/unit/api/openapi-routes.test.ts knows this file.
import { notServed } from "@/lib/api/not-served";

export const GET = notServed;
export const HEAD = notServed;
export const POST = notServed;
export const PUT = notServed;
export const PATCH = notServed;
export const DELETE = notServed;
