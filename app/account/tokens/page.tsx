import Link from "next/link";
import { redirect } from "next/navigation";
import { getCurrentUser } from "@/lib/auth/session";
import { getAccountServices } from "@/lib/services";
import { SiteHeader } from "@/components/site-header";
import { TokenList, NewTokenForm } from "@/components/account/token-manager";
import { TitledCard } from "@/components/ui/card";

export const metadata = { title: "Access tokens" };

export default async function TokensPage() {
  const user = await getCurrentUser();
  if (!user) redirect("/login?callbackUrl=/account/tokens");
  const tokens = await getAccountServices().tokens.list(user);
  return (
    <>
      <SiteHeader user={user} />
      <main className="mx-auto max-w-6xl space-y-6 px-4 py-10">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Access tokens</h1>
          <p className="mt-1 max-w-3xl text-sm text-zinc-500">
            Personal access tokens let scripts, CI and Supabase tools use this server&apos;s Management API (<code>/v1</code>, the same calls as
            api.supabase.com). A token acts as you: it can create, pause, restore and delete your projects and read their keys. See the{" "}
            <Link href="/docs/api" className="text-brand-700 underline">
              API reference
            </Link>
            .
          </p>
        </div>
        <TitledCard title="New token">
          <NewTokenForm isAdmin={user.role === "ADMIN"} />
        </TitledCard>
        <TitledCard title="Your tokens">
          <TokenList tokens={tokens} />
        </TitledCard>
      </main>
    </>
  );
}
