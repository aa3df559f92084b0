import { chmodSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { blockedAncestor, DEFAULT_TEMP_ROOT, nginxRuntimeLayout } from "@/lib/proxy/nginx-runtime";

const tmp = mkdtempSync(join(tmpdir(), "supafleet-nginx-runtime-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
// an account that owns nothing here: only the "other" permission bits apply to it
const stranger = { name: "stranger", uid: 54321, gid: 54321 };

describe("nginx runtime layout", () => {
  it("keeps the workers' temp paths out of the 0700 data directory when workers are another user", () => {
    const layout = nginxRuntimeLayout({ mainConf: "/var/lib/supafleet/nginx/nginx.conf", worker: { name: "www-data", uid: 33, gid: 33 } });
    expect(layout.tempDir.startsWith(`${DEFAULT_TEMP_ROOT}/`)).toBe(true);
    expect(layout.user).toBe("www-data");
    expect(layout.pidPath).toBe("/var/lib/supafleet/nginx/nginx.pid");
    // one per installation
    expect(nginxRuntimeLayout({ mainConf: "/srv/other/nginx/nginx.conf", worker: { name: "www-data", uid: 33, gid: 33 } }).tempDir).not.toBe(layout.tempDir);
    // the operator's choice wins; without a worker account nginx runs as us
    expect(nginxRuntimeLayout({ mainConf: "/d/nginx/nginx.conf", tempDir: "/x/tmp", worker: undefined })).toMatchObject({ tempDir: "/x/tmp", user: "root" });
  });

  it("finds the directory a worker cannot enter", () => {
    const data = join(tmp, "data");
    mkdirSync(join(data, "nginx", "tmp"), { recursive: true });
    chmodSync(tmp, 0o755);
    chmodSync(data, 0o700);
    expect(blockedAncestor(join(data, "nginx", "tmp"), stranger)).toBe(data);
    chmodSync(data, 0o711);
    expect(blockedAncestor(join(data, "nginx", "tmp"), stranger)).toBeNull();
  });
});
