import { redirect } from "next/navigation";
import { getCurrentUser } from "@/lib/auth/session";
import { SiteHeader } from "@/components/site-header";
import { AcceptInvitation } from "@/components/orgs/invitations";
import { TitledCard } from "@/components/ui/card";

export const metadata = { title: "Join an organization" };

export default async function AcceptInvitationPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { token } = await searchParams;
  const raw = typeof token === "string" ? token : "";
  const user = await getCurrentUser();
  // Sign in (or up) first, as the invited address; then back here.
  if (!user) redirect(`/login?callbackUrl=${encodeURIComponent(`/invitations/accept?token=${raw}`)}`);
  return (
    <>
      <SiteHeader user={user} />
      <main className="mx-auto max-w-xl px-4 py-10">
        <TitledCard title="Join an organization">
          <p className="mb-4 text-sm text-zinc-600">
            You are signed in as <strong>{user.email}</strong>. The invitation works only for the address it was sent to.
          </p>
          <AcceptInvitation token={raw} />
        </TitledCard>
      </main>
    </>
  );
}
