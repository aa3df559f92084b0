// The storage double (test/standins/storage) on a project of the newest
// template (test/support/standin-project.ts, shared with the other suites of
// newest-template.test.ts), through the real nginx by subdomain and the
// project's gateway, with supabase-js as an app uses it. Row-level security on
// storage.objects is the real Postgres's: the policies below decide who reads
// and writes what. Its buckets (private, public, small) are its own.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import type { WebSocketLikeConstructor } from "@supabase/realtime-js";
import { createClient, type SupabaseClient } from "@supabase/supabase-js";
import { beforeAll, describe, expect, it } from "vitest";
import { LABELS } from "@/lib/stack/types";
import { testDocker } from "@/test/support/docker-host";
import type { StandinProject } from "@/test/support/standin-project";

export function storageStandinSuite(getProject: () => StandinProject): void {
  const MB = 1024 * 1024;
  let project: StandinProject & { userToken(sub: string, alg: "HS256" | "ES256"): Promise<string> };
  let admin: SupabaseClient;
  const userA = randomUUID();
  const userB = randomUUID();

  // Node 20 has no WebSocket (facts.md): realtime-js gets the ws package, as scripts/smoke.mjs gives it.
  const WebSocket = createRequire(import.meta.url)("ws") as WebSocketLikeConstructor;

  const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

  function client(key: string, token?: string): SupabaseClient {
    return createClient(project.url, key, {
      auth: { persistSession: false, autoRefreshToken: false },
      realtime: { transport: WebSocket },
      global: { fetch: project.fetch, ...(token ? { headers: { Authorization: `Bearer ${token}` } } : {}) },
    });
  }

  /** Files under the storage container's backend path whose path contains `needle`. */
  async function storedFiles(needle: string): Promise<string[]> {
    const docker = testDocker();
    const [c] = await docker.listContainers({ filters: JSON.stringify({ label: [`${LABELS.ref}=${project.ref}`, `${LABELS.service}=storage`] }) });
    if (!c) throw new Error("no running storage container");
    const exec = await docker.getContainer(c.Id).exec({ Cmd: ["find", "/var/lib/storage", "-type", "f"], AttachStdout: true, AttachStderr: true });
    const stream = await exec.start({});
    const chunks: Buffer[] = [];
    await new Promise<void>((res, rej) => {
      stream.on("data", (d: Buffer) => chunks.push(d));
      stream.on("end", () => res());
      stream.on("error", rej);
    });
    // The exec stream is multiplexed (8-byte frame headers); the paths are plain ASCII lines.
    return Buffer.concat(chunks)
      .toString("latin1")
      .split("\n")
      .filter((l) => l.includes(needle));
  }

  describe("storage double through nginx by subdomain", () => {
    beforeAll(async () => {
      const shared = getProject();
      project = {
        ...shared,
        // A user's access token as the project's Auth would sign it: HS256 with the JWT secret, or ES256 with its EC key (kid in the header).
        userToken: async (sub, alg) => {
          const now = Math.floor(Date.now() / 1000);
          const claims = { sub, role: "authenticated", aud: "authenticated", iss: `http://${shared.host}/auth/v1`, iat: now, exp: now + 3600 };
          return alg === "HS256" ? shared.signHs256(claims) : shared.signEs256(claims);
        },
      };
      admin = client(project.serviceRoleKey);
      for (const [id, opts] of [
        ["private", { public: false }],
        ["public", { public: true }],
        ["small", { public: false, fileSizeLimit: MB }],
      ] as const) {
        const { error } = await admin.storage.createBucket(id, opts);
        if (error) throw new Error(`createBucket ${id}: ${error.message}`);
      }
      // Each user reads and writes only under a folder named after their id.
      const own = `bucket_id = 'private' and (storage.foldername(name))[1] = (current_setting('request.jwt.claims', true)::json ->> 'sub')`;
      // storage.objects belongs to supabase_storage_admin, and the image demotes postgres (no superuser),
      // whom postgres-meta connects as on this template: the policies go in through Supafleet's superuser session.
      await project.runSql(
        [
          `create policy "own insert" on storage.objects for insert to authenticated with check (${own});`,
          `create policy "own select" on storage.objects for select to authenticated using (${own});`,
        ].join("\n"),
      );
    });
    it("stores ten 20 MB uploads to a private bucket in a row and gives back the same bytes (ES256 and HS256 user tokens)", async () => {
      const users = [
        { sub: userA, storage: client(project.anonKey, await project.userToken(userA, "ES256")).storage },
        { sub: userB, storage: client(project.anonKey, await project.userToken(userB, "HS256")).storage },
      ];
      for (let i = 0; i < 10; i++) {
        const { sub, storage } = users[i % 2]!;
        const body = randomBytes(20 * MB);
        const path = `${sub}/upload-${i}.bin`;
        const up = await storage.from("private").upload(path, body, { contentType: "application/octet-stream" });
        expect(up.error, `upload ${i}`).toBeNull();
        expect(up.data?.path).toBe(path);
        const down = await storage.from("private").download(path);
        expect(down.error, `download ${i}`).toBeNull();
        const got = new Uint8Array(await down.data!.arrayBuffer());
        expect(got.length).toBe(body.length);
        expect(sha256(got)).toBe(sha256(body));
      }
    }, 600_000);

    it("answers as a double, with storage's content type", async () => {
      const token = await project.userToken(userA, "ES256");
      const res = await project.fetch(`${project.url}/storage/v1/object/private/${userA}/upload-0.bin`, {
        headers: { apikey: project.anonKey, authorization: `Bearer ${token}` },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get("x-supafleet-standin")).toBe("storage");
      expect(res.headers.get("x-supafleet-standin-mode")).toBe("double");
      expect(res.headers.get("content-type")).toBe("application/octet-stream");
      expect(Number(res.headers.get("content-length"))).toBe(20 * MB);
      await res.arrayBuffer();
    });

    it("does not let the anon key, or another user, read a private object", async () => {
      const path = `${userA}/upload-0.bin`;
      for (const storage of [client(project.anonKey).storage, client(project.anonKey, await project.userToken(userB, "HS256")).storage]) {
        const { data, error } = await storage.from("private").download(path);
        expect(data).toBeNull();
        expect(error).not.toBeNull();
      }
      const res = await project.fetch(`${project.url}/storage/v1/object/private/${path}`, {
        headers: { apikey: project.anonKey, authorization: `Bearer ${project.anonKey}` },
      });
      // storage-api: NoSuchKey, rendered with HTTP 400 (src/internal/errors/storage-error.ts userStatusCode).
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ statusCode: "404", code: "NoSuchKey", error: "not_found", message: "Object not found" });
    });

    it("refuses a token signed with another key", async () => {
      const forged = await createStrangerToken();
      const res = await project.fetch(`${project.url}/storage/v1/object/private/${userA}/upload-0.bin`, {
        headers: { apikey: project.anonKey, authorization: `Bearer ${forged}` },
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ statusCode: "403", code: "AccessDenied", error: "Unauthorized", message: "signature verification failed" });
    });

    it("serves a public bucket's object at its public URL without a key, and no private one", async () => {
      const text = `hello ${randomUUID()}`;
      const up = await admin.storage.from("public").upload("notes/hello.txt", Buffer.from(text), { contentType: "text/plain" });
      expect(up.error).toBeNull();
      const { publicUrl } = admin.storage.from("public").getPublicUrl("notes/hello.txt").data;
      const res = await project.fetch(publicUrl);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("text/plain");
      expect(await res.text()).toBe(text);
      const priv = await project.fetch(admin.storage.from("private").getPublicUrl(`${userA}/upload-0.bin`).data.publicUrl);
      expect(priv.status).toBe(400);
      expect(await priv.json()).toMatchObject({ statusCode: "404", code: "NoSuchBucket", message: "Bucket not found" });
    });

    it("passes storage's early refusal of ten 20 MB uploads in a row through the gateway (no 503, no reset)", async () => {
      // storage-api refuses a known-length upload over the limit before reading it
      // (uploader.ts fileUploadFromRequest); the gateway must hand that answer on.
      for (let i = 0; i < 10; i++) {
        const res = await project.fetch(`${project.url}/storage/v1/object/small/early-${i}.bin`, {
          method: "POST",
          headers: { apikey: project.serviceRoleKey, authorization: `Bearer ${project.serviceRoleKey}`, "content-type": "application/octet-stream" },
          body: randomBytes(20 * MB),
        });
        expect(res.status, `upload ${i}`).toBe(400);
        expect(await res.json()).toMatchObject({ statusCode: "413", code: "EntityTooLarge" });
      }
    }, 300_000);

    it("refuses an upload over the bucket's limit with storage's 413 and keeps no file of it", async () => {
      const over = { statusCode: "413", code: "EntityTooLarge", error: "Payload too large", message: "The object exceeded the maximum allowed size" };
      // Known length: refused before the body is read.
      const sized = await project.fetch(`${project.url}/storage/v1/object/small/too-big.bin`, {
        method: "POST",
        headers: { apikey: project.serviceRoleKey, authorization: `Bearer ${project.serviceRoleKey}`, "content-type": "application/octet-stream" },
        body: randomBytes(2 * MB),
      });
      expect(sized.status).toBe(400);
      expect(await sized.json()).toEqual(over);
      // Unknown length (chunked): refused once past the limit, the partial file removed.
      const chunk = randomBytes(256 * 1024);
      let sent = 0;
      const stream = new ReadableStream<Uint8Array>({
        async pull(c) {
          if (sent >= 2 * MB) return c.close();
          // Past the limit, the client waits a moment before sending more, so the
          // refusal is read before the rest arrives: otherwise the storage
          // double closes with unread body (a TCP reset) while the gateway double
          // is still writing, and the double, unlike Envoy, may see the write's
          // reset before the answer that came first (its 503; seen on busy runs).
          if (sent > MB) await new Promise((r) => setTimeout(r, 1000));
          sent += chunk.length;
          c.enqueue(chunk);
        },
      });
      const chunked = await project.fetch(`${project.url}/storage/v1/object/small/streamed.bin`, {
        method: "POST",
        headers: { apikey: project.serviceRoleKey, authorization: `Bearer ${project.serviceRoleKey}`, "content-type": "application/octet-stream" },
        body: stream,
        duplex: "half",
      } as RequestInit);
      const chunkedText = await chunked.text();
      expect(chunked.status, chunkedText).toBe(400);
      expect(JSON.parse(chunkedText)).toEqual(over);
      expect(await storedFiles("/small/")).toEqual([]);
      const listed = await admin.storage.from("small").list("");
      expect(listed.error).toBeNull();
      expect(listed.data).toEqual([]);
    });
  });

  /** An ES256 token with a key the project never issued (same claims shape). */
  async function createStrangerToken(): Promise<string> {
    const { SignJWT, generateKeyPair } = await import("jose");
    const { privateKey } = await generateKeyPair("ES256");
    const now = Math.floor(Date.now() / 1000);
    const jwks = JSON.parse(project.secrets.apiKeys?.jwtJwks ?? '{"keys":[]}') as { keys: Array<{ kid?: string }> };
    return new SignJWT({ sub: userA, role: "authenticated" })
      .setProtectedHeader({ alg: "ES256", kid: jwks.keys[0]?.kid ?? "none" })
      .setIssuedAt(now)
      .setExpirationTime(now + 600)
      .sign(privateKey);
  }
}
