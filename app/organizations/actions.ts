"use server";
// Organizations and members: each action checks the session, and the
// service checks the role (lib/orgs/service.ts); nothing is decided here.
import { runAction, type ActionResult } from "@/lib/actions";
import { requireUser } from "@/lib/auth/session";
import { getAccountServices } from "@/lib/services";

export async function createOrganizationAction(input: { name: string }): Promise<ActionResult<{ slug: string }>> {
  return runAction(async () => {
    const org = await getAccountServices().organizations.create(await requireUser(), input);
    return { slug: org.slug };
  });
}

export async function addMemberAction(input: { slug: string; email: string; role: string }): Promise<ActionResult> {
  return runAction(async () => {
    await getAccountServices().organizations.addMember(await requireUser(), input);
    return undefined;
  });
}

export async function changeRoleAction(input: { slug: string; userId: string; role: string }): Promise<ActionResult> {
  return runAction(async () => {
    await getAccountServices().organizations.changeRole(await requireUser(), input);
    return undefined;
  });
}

export async function removeMemberAction(input: { slug: string; userId: string }): Promise<ActionResult> {
  return runAction(async () => {
    await getAccountServices().organizations.removeMember(await requireUser(), input);
    return undefined;
  });
}

/** With SMTP the invitation is mailed and the link stays secret; without (or when the mail failed) the inviter gets the link to pass on. */
export async function inviteAction(input: {
  slug: string;
  email: string;
  role: string;
}): Promise<ActionResult<{ link: string | null; mailedTo: string | null }>> {
  return runAction(async () => {
    const sent = await getAccountServices().invitations.invite(await requireUser(), input);
    return sent.mailed ? { link: null, mailedTo: String(input.email).trim().toLowerCase() } : { link: sent.link, mailedTo: null };
  });
}

export async function revokeInvitationAction(input: { slug: string; id: string }): Promise<ActionResult> {
  return runAction(async () => {
    await getAccountServices().invitations.revoke(await requireUser(), input);
    return undefined;
  });
}

export async function acceptInvitationAction(input: { token: string }): Promise<ActionResult<{ slug: string }>> {
  return runAction(async () => {
    const { slug } = await getAccountServices().invitations.accept(await requireUser(), input);
    return { slug };
  });
}
