import Link from "next/link";
import { redirect } from "next/navigation";
import { getCurrentUser } from "@/lib/auth/session";
import { getAccountServices } from "@/lib/services";
import { ORG_ROLE_NAMES } from "@/lib/domain";
import { SiteHeader } from "@/components/site-header";
import { NewOrganizationForm } from "@/components/orgs/new-organization-form";
import { TitledCard } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableHeader, TableRow } from "@/components/ui/table";

export const metadata = { title: "Organizations" };

export default async function OrganizationsPage() {
  const user = await getCurrentUser();
  if (!user) redirect("/login?callbackUrl=/organizations");
  const orgs = await getAccountServices().organizations.listMine(user);
  return (
    <>
      <SiteHeader user={user} />
      <main className="mx-auto max-w-6xl space-y-6 px-4 py-10">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Organizations</h1>
          <p className="mt-1 max-w-3xl text-sm text-zinc-500">
            Projects belong to organizations; their members act on them by role (Owner, Administrator, Developer, Read-only). Your personal organization holds
            the projects you make without picking another.
          </p>
        </div>
        <TitledCard title="Your organizations">
          <Table data-testid="organizations">
            <TableHeader columns={["Name", "Slug", "Your role"]} />
            <TableBody>
              {orgs.map((o) => (
                <TableRow key={o.slug} data-testid="organization-row" data-slug={o.slug}>
                  <TableCell className="font-medium">
                    <Link href={`/organizations/${o.slug}`} className="text-brand-700 underline">
                      {o.name}
                    </Link>
                    {o.personal ? <span className="ml-2 text-xs text-zinc-400">personal</span> : null}
                  </TableCell>
                  <TableCell className="font-mono text-xs">{o.slug}</TableCell>
                  <TableCell>{ORG_ROLE_NAMES[o.role]}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </TitledCard>
        <TitledCard title="New organization">
          <NewOrganizationForm />
        </TitledCard>
      </main>
    </>
  );
}
