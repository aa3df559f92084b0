"use client";
// The API and database sections: the project URL, keys, connection strings
// and Studio's login, masked until a member whose role allows it reveals them. Revealed once,
// they stay revealed across sections (the layout holds them).
import { useProjectLive } from "@/components/projects/project-live";
import { SecretRow, ValueRow } from "@/components/projects/section";
import { TitledCard } from "@/components/ui/card";
import { Button } from "@/components/ui/button";
import { RoleNote } from "@/components/projects/role-note";

function RevealButton() {
  const { secrets, reveal, can } = useProjectLive();
  if (secrets) return null;
  if (!can.secrets) return <RoleNote role={can.role} what="revealing keys and passwords" />;
  return (
    <Button variant="secondary" onClick={reveal} data-testid="reveal">
      Reveal keys and passwords
    </Button>
  );
}

export function ApiKeysCard() {
  const { project, secrets } = useProjectLive();
  const shown = !!secrets;
  return (
    <TitledCard title="API" data-testid="api-section">
      <div className="space-y-4">
        <ValueRow label="Project URL" copy={project.apiUrl} testId="api-url">
          {project.apiUrl}
        </ValueRow>
        <SecretRow label="anon key (public)" value={secrets?.anonKey} revealed={shown} testId="anon-key" />
        <SecretRow label="service_role key (secret)" value={secrets?.serviceRoleKey} revealed={shown} testId="service-key" />
        {(!secrets || secrets.publishableKey) && (
          <SecretRow label="Publishable key (public)" value={secrets?.publishableKey} revealed={shown} testId="publishable-key" />
        )}
        {(!secrets || secrets.secretKey) && <SecretRow label="Secret key (server only)" value={secrets?.secretKey} revealed={shown} testId="secret-key" />}
        {secrets && !secrets.publishableKey && <p className="text-xs text-zinc-500">Publishable and secret keys come with the template upgrade.</p>}
        {secrets && (
          <p className="text-xs text-zinc-500">
            JWKS (public signing keys):{" "}
            <code className="font-mono" data-testid="jwks-url">
              {secrets.jwksUrl}
            </code>
          </p>
        )}
        <RevealButton />
      </div>
    </TitledCard>
  );
}

export function SnippetCard() {
  const { project, secrets } = useProjectLive();
  const snippet = `import { createClient } from "@supabase/supabase-js";\n\nconst supabase = createClient(\n  "${project.apiUrl}",\n  "${secrets?.anonKey ?? "<anon key: click Reveal>"}",\n);`;
  return (
    <TitledCard title="supabase-js">
      <pre className="overflow-auto rounded-lg bg-zinc-950 p-3 font-mono text-xs leading-5 text-zinc-100">{snippet}</pre>
    </TitledCard>
  );
}

export function DatabaseCard() {
  const { secrets } = useProjectLive();
  const shown = !!secrets;
  return (
    <TitledCard title="Database" data-testid="database-section">
      <div className="space-y-4">
        <SecretRow label="Connection string (session)" value={secrets?.directUrl} revealed={shown} testId="direct-url" />
        <SecretRow label="Pooler (transaction mode)" value={secrets?.poolerUrl} revealed={shown} testId="pooler-url" />
        <SecretRow label="Database password" value={secrets?.dbPassword} revealed={shown} testId="db-password" />
        {secrets?.dbCaCertificate && (
          <details className="text-sm" data-testid="db-ca">
            <summary className="cursor-pointer text-zinc-600">CA certificate (for sslmode=verify-full)</summary>
            <pre className="mt-2 overflow-x-auto rounded bg-zinc-50 p-2 text-xs">{secrets.dbCaCertificate}</pre>
          </details>
        )}
        <RevealButton />
      </div>
    </TitledCard>
  );
}

export function StudioCard() {
  const { project, secrets } = useProjectLive();
  return (
    <TitledCard title="Studio">
      {/* A plain form POST: the panel mints a one-minute ticket and sends the browser to the project's host with it (lib/studio/service.ts). */}
      <form method="post" action={`/api/projects/${project.ref}/studio`} target="_blank" className="mb-4">
        <Button type="submit" data-testid="open-studio">
          Open Studio
        </Button>
        <p className="mt-2 text-sm text-zinc-600">Signs you in with your Supafleet account (Developer role or higher).</p>
      </form>
      <p className="mb-3 text-sm text-zinc-600">
        Operators can also open{" "}
        <a className="font-medium text-brand-700 underline" href={project.apiUrl} target="_blank" rel="noreferrer">
          Supabase Studio
        </a>{" "}
        directly and sign in with:
      </p>
      <div className="space-y-3">
        <SecretRow label="Username" value={secrets?.dashboardUsername} revealed={!!secrets} testId="studio-user" />
        <SecretRow label="Password" value={secrets?.dashboardPassword} revealed={!!secrets} testId="studio-password" />
      </div>
    </TitledCard>
  );
}
