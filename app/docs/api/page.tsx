import { getCurrentUser } from "@/lib/auth/session";
import { buildOpenApiDocument } from "@/lib/api/openapi";
import { SiteHeader } from "@/components/site-header";
import { ApiReference } from "@/components/docs/api-reference";

export const metadata = { title: "Management API" };

// Public, like the document it renders (/v1/openapi.json); rendered on the
// server from the same generated document, with no script or outside asset.
export default async function ApiDocsPage() {
  const user = await getCurrentUser();
  return (
    <>
      <SiteHeader user={user} />
      <main className="mx-auto max-w-6xl px-4 py-10">
        <ApiReference doc={buildOpenApiDocument()} />
      </main>
    </>
  );
}
