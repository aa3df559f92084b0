"use server";
// The project page's custom hostname (lib/domains/service.ts): each action
// checks the session; the service checks ownership under the project's lock
// and parses the hostname with its zod schema (lib/validations/custom-domain.ts).
import { runAction, type ActionResult } from "@/lib/actions";
import { requireUser } from "@/lib/auth/session";
import { getCustomDomainService } from "@/lib/services";
import type { CustomDomainView } from "@/lib/domains/view";

export async function addCustomDomainAction(ref: string, hostname: string): Promise<ActionResult<CustomDomainView>> {
  return runAction(async () => getCustomDomainService().initialize(await requireUser(), ref, { custom_hostname: hostname }));
}

export async function verifyCustomDomainAction(ref: string): Promise<ActionResult<CustomDomainView>> {
  return runAction(async () => getCustomDomainService().reverify(await requireUser(), ref));
}

export async function activateCustomDomainAction(ref: string): Promise<ActionResult<CustomDomainView>> {
  return runAction(async () => getCustomDomainService().activate(await requireUser(), ref));
}

export async function deleteCustomDomainAction(ref: string): Promise<ActionResult<undefined>> {
  return runAction(async () => {
    await getCustomDomainService().remove(await requireUser(), ref);
    return undefined;
  });
}
