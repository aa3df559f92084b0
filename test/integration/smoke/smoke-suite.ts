// scripts/smoke.mjs against a stand-in project, through a real nginx by
// subdomain (Host via --resolve), exactly as an operator runs it. Every check
// a real component answers here must pass: /pg/ goes through the (stand-in)
// gateway's key-auth/ACL to the REAL postgres-meta and the Postgres stand-in
// (real PostgreSQL); REST, Auth, Storage and Functions answer from behaving
// test doubles and must pass as "pass (test double)"; Realtime stays an echo
// and must be reported as "not checked (stand-in)", never as pass. The project
// is the one of test/integration/standins/newest-template.test.ts
// (test/support/standin-project.ts); the script's table and bucket have random
// names of their own.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import type { ProjectService } from "@/lib/projects/service";
import type { SessionUser } from "@/lib/auth/actor";
import type { StandinProject } from "@/test/support/standin-project";

const run = promisify(execFile);

export function smokeSuite(project: () => StandinProject): void {
  let DOMAIN: string;
  let nginx: { port: number };
  let service: ProjectService;
  let user: SessionUser;
  let ref: string | undefined;

  describe("scripts/smoke.mjs against a stand-in project through nginx", () => {
    beforeAll(() => {
      const p = project();
      ({ domain: DOMAIN, ref, owner: user } = p);
      ({ service } = p.inst);
      nginx = { port: p.nginxPort };
    });

    it("passes /pg/ through the gateway to the real postgres-meta and Postgres, passes the doubles' lines as test doubles, and reports the echo as a stand-in", async () => {
      await service.waitForIdle(ref!);
      expect((await service.getProject(user, ref!)).status).toBe("ACTIVE_HEALTHY");
      const { anonKey, serviceRoleKey } = await service.getProjectDetails(user, ref!);
      const host = `${ref}.${DOMAIN}`;
      const out = await run(
        process.execPath,
        ["scripts/smoke.mjs", `http://${host}:${nginx.port}`, anonKey, serviceRoleKey, "--resolve", `${host}:${nginx.port}:127.0.0.1`],
        { timeout: 180_000 },
      ).catch((err: { stdout?: string; stderr?: string; code?: number }) => ({ stdout: err.stdout ?? "", stderr: `${err.stderr ?? ""} (exit ${err.code})` }));
      const lines = out.stdout.split("\n");
      const line = (name: string) => lines.find((l) => l.includes(name)) ?? `(missing) ${name}`;
      // Real components: must pass.
      expect(line("gateway refuses /pg/ with the anon key"), out.stdout + out.stderr).toMatch(/^pass\b/);
      expect(line("create a table through /pg/"), out.stdout + out.stderr).toMatch(/^pass\b/);
      // Behaving test doubles (x-supafleet-standin-mode: double): checked like the real services, and
      // reported apart, never as a pass of a real image.
      for (const [name, double] of [
        ["insert and select through REST", "rest"],
        ["sign up a user with Auth", "auth"],
        ["upload and download a file with Storage", "storage"],
        ["call an Edge Function", "functions"],
      ]) {
        expect(line(name!), out.stdout + out.stderr).toMatch(new RegExp(`^pass \\(test double\\) .*answered by test double "[^"]*${double}`));
      }
      // The echo that stays (Realtime): honestly not checked, never pass.
      expect(line("receive a Realtime change"), out.stdout + out.stderr).toMatch(/^not checked \(stand-in\)/);
      expect(out.stdout).toMatch(/smoke: 2 passed, 4 passed by test doubles, 0 failed, 1 not checked \(stand-in\)/);
      // Nothing on stderr but supabase-js's own notice about Node.js 20 (this machine's Node).
      expect(
        out.stderr
          .split("\n")
          .filter((l) => l.trim() && !l.includes("Node.js 20 and below are deprecated"))
          .join("\n"),
      ).toBe("");
    });

    it("fails (exit 1) when the service key is wrong", async () => {
      expect(ref).toBeDefined();
      const { anonKey } = await service.getProjectDetails(user, ref!);
      const host = `${ref}.${DOMAIN}`;
      const err = await run(
        process.execPath,
        ["scripts/smoke.mjs", `http://${host}:${nginx.port}`, anonKey, anonKey, "--resolve", `${host}:${nginx.port}:127.0.0.1`],
        { timeout: 180_000 },
      ).then(
        () => null,
        (e: { code?: number; stdout?: string }) => e,
      );
      expect(err?.code).toBe(1);
      expect(err?.stdout).toMatch(/^fail\s+create a table through \/pg\//m);
    });
  });
}
