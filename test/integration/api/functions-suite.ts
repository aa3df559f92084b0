// The Edge Functions and secrets operations of the Management API against a
// real stand-in project on the real Docker engine (the project of
// test/integration/standins/newest-template.test.ts, test/support/standin-project.ts;
// nothing here goes through the proxy). It writes the function "greet" and
// the secrets GREETING and OTHER_KEY, names no other suite there uses. This checks
// what Supafleet does, not what the runtime serves: the files land in the
// functions volume in the documented layout (main/ untouched), the secrets
// reach the functions container's environment after a restart of that
// container alone (the others keep their id and start time), and list, get,
// body, update and delete round-trip.
import { randomBytes, randomUUID } from "node:crypto";
import type Docker from "dockerode";
import { extract } from "tar-stream";
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { ManagementApi } from "@/lib/api/management-api";
import { OrganizationService } from "@/lib/orgs/service";
import { NotFoundError, ValidationError } from "@/lib/errors";
import { secretDigest } from "@/lib/functions/secrets";
import { multipartBoundary, parseDeployForm } from "@/lib/functions/multipart";
import type { ProjectService } from "@/lib/projects/service";
import { containerName } from "@/lib/stack/build-stack-spec";
import { LABELS } from "@/lib/stack/types";
import type { TokenPrincipal } from "@/lib/tokens/service";
import { once, type StandinProject } from "@/test/support/standin-project";

export function functionsApiSuite(project: () => StandinProject): void {
  let docker: Docker;
  let db: Db;
  let service: ProjectService;
  let api: ManagementApi;
  let owner: TokenPrincipal;
  let stranger: TokenPrincipal;
  let ref: string;

  async function principal(email: string, admin: boolean): Promise<TokenPrincipal> {
    const u = await db.user.create({ data: { id: randomUUID(), email, passwordHash: "x", projectQuota: 1, role: admin ? "ADMIN" : "USER" } });
    return { user: { id: u.id, email: u.email, name: null, role: admin ? "ADMIN" : "USER" }, tokenId: randomUUID(), admin };
  }

  /** A deploy request as the CLI's Go multipart writer makes it (apps/cli-go/pkg/function/deploy.go). */
  function deployRequest(metadata: Record<string, unknown>, files: Array<[string, string]>): Request {
    const boundary = randomBytes(16).toString("hex");
    let body = `--${boundary}\r\nContent-Disposition: form-data; name="metadata"\r\n\r\n${JSON.stringify(metadata)}\n\r\n`;
    for (const [path, content] of files)
      body += `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${path}"\r\nContent-Type: application/octet-stream\r\n\r\n${content}\r\n`;
    body += `--${boundary}--\r\n`;
    return new Request(`http://supafleet.test/v1/projects/${ref}/functions/deploy`, {
      method: "POST",
      body,
      headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
    });
  }

  /** Files under a directory of the running functions container (its functions volume), path → content; {} when absent. */
  async function filesIn(dir: string): Promise<Record<string, string>> {
    let stream: NodeJS.ReadableStream;
    try {
      stream = await docker.getContainer(containerName(ref, "functions")).getArchive({ path: dir });
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) return {};
      throw err;
    }
    const out: Record<string, string> = {};
    const ex = extract();
    ex.on("entry", (h, body, next) => {
      const chunks: Buffer[] = [];
      body.on("data", (d: unknown) => {
        if (Buffer.isBuffer(d)) chunks.push(d);
      });
      body.on("end", () => {
        if (h.type === "file") out[h.name.split("/").slice(1).join("/")] = Buffer.concat(chunks).toString("utf8");
        next();
      });
    });
    await new Promise<void>((resolve, reject) => {
      ex.on("finish", resolve);
      ex.on("error", reject);
      stream.pipe(ex);
    });
    return out;
  }

  async function containers(): Promise<Record<string, { id: string; startedAt: string; env: string[] }>> {
    const list = await docker.listContainers({ all: true, filters: JSON.stringify({ label: [`${LABELS.ref}=${ref}`, `${LABELS.service}`] }) });
    const out: Record<string, { id: string; startedAt: string; env: string[] }> = {};
    for (const c of list) {
      const info = await docker.getContainer(c.Id).inspect();
      out[c.Labels[LABELS.service]!] = { id: c.Id, startedAt: info.State.StartedAt, env: info.Config.Env ?? [] };
    }
    return out;
  }

  // Run by whichever of the two describe blocks starts first (either may run alone with -t).
  const setup = once(async () => {
    const p = project();
    ({ docker, ref } = p);
    ({ db, service } = p.inst);
    api = new ManagementApi(service, {
      dbImage: "supabase/postgres:17.6.1.136",
      databaseHost: "127.0.0.1",
      functionMaxBytes: 64 * 1024,
      organizations: new OrganizationService(db),
    });
    owner = { user: p.owner, tokenId: randomUUID(), admin: false };
    stranger = await principal("fn-admin@example.com", true);
  });

  describe("secrets", () => {
    beforeAll(setup);
    const VALUE = `v-${randomBytes(12).toString("hex")}`;

    it("reach the functions container's environment after a restart of functions alone; sealed at rest, listed as digests", async () => {
      const before = await containers();
      expect(Object.keys(before)).toContain("functions");
      await api.createSecrets(owner, ref, [
        { name: "GREETING", value: VALUE },
        { name: "OTHER_KEY", value: "second" },
      ]);
      await service.waitForIdle(ref);
      const after = await containers();
      expect(after.functions!.env).toContain(`GREETING=${VALUE}`);
      expect(after.functions!.env).toContain("OTHER_KEY=second");
      expect(after.functions!.id).not.toBe(before.functions!.id);
      for (const [svc, c] of Object.entries(before)) {
        if (svc === "functions") continue;
        expect(after[svc], svc).toEqual(c);
        expect(
          c.env.some((e) => e.startsWith("GREETING=")),
          svc,
        ).toBe(false);
      }
      expect((await service.getProject(owner.user, ref)).status).toBe("ACTIVE_HEALTHY");

      expect(await api.listSecrets(owner, ref)).toEqual([
        { name: "GREETING", value: secretDigest(VALUE), updated_at: expect.any(String) },
        { name: "OTHER_KEY", value: secretDigest("second"), updated_at: expect.any(String) },
      ]);
      const row = await db.project.findUniqueOrThrow({ where: { ref } });
      expect(row.functionSecrets).toMatch(/^v1\./);
      expect(row.functionSecrets).not.toContain(VALUE);
      const events = await db.projectEvent.findMany({ where: { projectId: row.id } });
      expect(JSON.stringify(events)).not.toContain(VALUE);
    });

    it("refuses reserved names and other users (admins too), changing nothing", async () => {
      await expect(api.createSecrets(owner, ref, [{ name: "JWT_SECRET", value: "x" }])).rejects.toBeInstanceOf(ValidationError);
      await expect(api.createSecrets(owner, ref, [{ name: "SUPAFLEET_REF", value: "x" }])).rejects.toBeInstanceOf(ValidationError);
      await expect(api.listSecrets(stranger, ref)).rejects.toBeInstanceOf(NotFoundError);
      await expect(api.createSecrets(stranger, ref, [{ name: "X", value: "y" }])).rejects.toBeInstanceOf(NotFoundError);
      expect((await api.listSecrets(owner, ref)).map((s) => s.name)).toEqual(["GREETING", "OTHER_KEY"]);
    });

    it("deleting restarts functions alone without them", async () => {
      const before = await containers();
      await api.deleteSecrets(owner, ref, ["GREETING", "NOT_SET"]);
      await service.waitForIdle(ref);
      const after = await containers();
      expect(after.functions!.env.some((e) => e.startsWith("GREETING="))).toBe(false);
      expect(after.functions!.env).toContain("OTHER_KEY=second");
      for (const [svc, c] of Object.entries(before)) if (svc !== "functions") expect(after[svc], svc).toEqual(c);
      expect((await api.listSecrets(owner, ref)).map((s) => s.name)).toEqual(["OTHER_KEY"]);
    });
  });

  describe("functions", () => {
    beforeAll(setup);
    const ENTRY = "supabase/functions/greet/index.ts";
    const CODE = 'import { x } from "../_shared/x.ts";\nDeno.serve(() => new Response(x));\n';
    const SHARED = 'export const x = "hi";\n';

    it("deploys into the functions volume: files as sent, the index.ts shim, the manifest; main/ untouched", async () => {
      const mainBefore = await filesIn("/home/deno/functions/main");
      expect(Object.keys(mainBefore)).toContain("index.ts");
      const fn = await api.deployFunction(
        owner,
        ref,
        "greet",
        deployRequest({ entrypoint_path: ENTRY, import_map_path: "", name: "greet", verify_jwt: false, static_patterns: [] }, [
          [ENTRY, CODE],
          ["supabase/functions/_shared/x.ts", SHARED],
        ]),
      );
      expect(fn).toMatchObject({ slug: "greet", name: "greet", status: "ACTIVE", version: 1, verify_jwt: false, entrypoint_path: ENTRY, import_map: false });
      const files = await filesIn("/home/deno/functions/greet");
      expect(Object.keys(files).sort()).toEqual([".supafleet-function.json", "index.ts", ENTRY, "supabase/functions/_shared/x.ts"].sort());
      expect(files[ENTRY]).toBe(CODE);
      expect(files["index.ts"]).toContain(`import "./${ENTRY}";`);
      expect(JSON.parse(files[".supafleet-function.json"]!)).toMatchObject({
        slug: "greet",
        version: 1,
        verify_jwt: false,
        entrypoint: `/home/deno/functions/greet/${ENTRY}`,
      });
      expect(await filesIn("/home/deno/functions/main")).toEqual(mainBefore);
      expect(Object.keys(await filesIn("/home/deno/functions")).some((p) => p.startsWith(".supafleet-staging"))).toBe(false);
    });

    it("a redeploy replaces the whole directory and bumps the version", async () => {
      const fn = await api.deployFunction(
        owner,
        ref,
        "greet",
        deployRequest({ entrypoint_path: ENTRY, name: "greet", verify_jwt: true }, [[ENTRY, "Deno.serve(() => new Response('v2'));\n"]]),
      );
      expect(fn.version).toBe(2);
      const files = await filesIn("/home/deno/functions/greet");
      expect(Object.keys(files).sort()).toEqual([".supafleet-function.json", "index.ts", ENTRY]);
      expect(JSON.parse(files[".supafleet-function.json"]!)).toMatchObject({ version: 2, verify_jwt: true });
    });

    it("refuses main, hostile paths and oversize deploys, writing nothing", async () => {
      const mainBefore = await filesIn("/home/deno/functions/main");
      const greetBefore = await filesIn("/home/deno/functions/greet");
      await expect(api.deployFunction(owner, ref, "main", deployRequest({ entrypoint_path: "index.ts" }, [["index.ts", "x"]]))).rejects.toBeInstanceOf(
        ValidationError,
      );
      await expect(
        api.deployFunction(
          owner,
          ref,
          "greet",
          deployRequest({ entrypoint_path: "index.ts" }, [
            ["index.ts", "x"],
            ["../main/index.ts", "pwned"],
          ]),
        ),
      ).rejects.toBeInstanceOf(ValidationError);
      await expect(
        api.deployFunction(owner, ref, "greet", deployRequest({ entrypoint_path: "index.ts" }, [["index.ts", "x".repeat(70 * 1024)]])),
      ).rejects.toBeInstanceOf(ValidationError);
      await expect(api.deployFunction(stranger, ref, "other", deployRequest({ entrypoint_path: "index.ts" }, [["index.ts", "x"]]))).rejects.toBeInstanceOf(
        NotFoundError,
      );
      expect(await filesIn("/home/deno/functions/main")).toEqual(mainBefore);
      expect(await filesIn("/home/deno/functions/greet")).toEqual(greetBefore);
      expect(await filesIn("/home/deno/functions/other")).toEqual({});
    });

    it("list, get, body and update round-trip", async () => {
      expect((await api.listFunctions(owner, ref)).map((f) => f.slug)).toEqual(["greet"]);
      expect(await api.getFunction(owner, ref, "greet")).toMatchObject({ slug: "greet", version: 2, verify_jwt: true });
      const res = await api.functionBody(owner, ref, "greet");
      expect(res.status).toBe(200);
      const form = parseDeployForm(Buffer.from(await res.arrayBuffer()), multipartBoundary(res.headers.get("content-type")), { maxFiles: 10 });
      expect(form.metadata).toMatchObject({ deno2_entrypoint_path: ENTRY, entrypoint_path: ENTRY, verify_jwt: true });
      expect(form.files.map((f) => [f.path, f.content.toString()])).toEqual([[ENTRY, "Deno.serve(() => new Response('v2'));\n"]]);

      const updated = await api.updateFunction(owner, ref, "greet", { name: "Greeter", verify_jwt: false });
      expect(updated).toMatchObject({ name: "Greeter", verify_jwt: false, version: 2 });
      const files = await filesIn("/home/deno/functions/greet");
      expect(JSON.parse(files[".supafleet-function.json"]!)).toMatchObject({ verify_jwt: false });
      expect(files[ENTRY]).toBe("Deno.serve(() => new Response('v2'));\n");
      await expect(api.getFunction(stranger, ref, "greet")).rejects.toBeInstanceOf(NotFoundError);
    });

    it("delete removes the directory and the record; main stays", async () => {
      await api.deleteFunction(owner, ref, "greet");
      expect(await filesIn("/home/deno/functions/greet")).toEqual({});
      expect(await api.listFunctions(owner, ref)).toEqual([]);
      await expect(api.getFunction(owner, ref, "greet")).rejects.toBeInstanceOf(NotFoundError);
      await expect(api.deleteFunction(owner, ref, "greet")).rejects.toBeInstanceOf(NotFoundError);
      expect(Object.keys(await filesIn("/home/deno/functions/main"))).toContain("index.ts");
    });
  });
}
