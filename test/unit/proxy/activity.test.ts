// The activity log reader (lib/proxy/activity.ts) on a real file: nginx's
// lines of "<time> <host>" become the latest request per project of the
// domain. (Auto-pause that reads it: test/db/projects/idle.test.ts.)
import { appendFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { NginxActivityLog, parseActivity } from "@/lib/proxy/activity";
import { tempFolder } from "@/test/support/temp-folder";

const tmp = tempFolder("activity");

describe("the activity log", () => {
  it("parses the latest request per project of the domain, ignoring everything else", () => {
    const m = parseActivity(
      [
        "1767225600.123 aaaaaaaaaaaaaaaaaaaa.cloud.test",
        "1767225605.000 aaaaaaaaaaaaaaaaaaaa.cloud.test:8080",
        "1767225601.000 bbbbbbbbbbbbbbbbbbbb.cloud.test",
        "1767225609.000 cloud.test",
        "1767225609.000 evil.test",
        "garbage",
        "1767225609.000 toolong-aaaaaaaaaaaaaaa.cloud.test",
      ].join("\n"),
      "cloud.test",
    );
    expect([...m.keys()].sort()).toEqual(["aaaaaaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbbbbbb"]);
    expect(m.get("aaaaaaaaaaaaaaaaaaaa")!.getTime()).toBe(1767225605000);
  });

  it("reads only new whole lines, and empties the file once it is large", async () => {
    const path = join(tmp, "activity.log");
    writeFileSync(path, "");
    const log = new NginxActivityLog(path, "cloud.test", 100);
    appendFileSync(path, "1767225600.000 aaaaaaaaaaaaaaaaaaaa.cloud.test\n1767225601.000 bbbbbbbbbb");
    expect([...(await log.read()).keys()]).toEqual(["aaaaaaaaaaaaaaaaaaaa"]);
    appendFileSync(path, "bbbbbbbbbb.cloud.test\n");
    expect([...(await log.read()).keys()]).toEqual(["bbbbbbbbbbbbbbbbbbbb"]);
    expect((await log.read()).size).toBe(0);
    appendFileSync(path, "1767225602.000 cccccccccccccccccccc.cloud.test\n".repeat(3));
    expect([...(await log.read()).keys()]).toEqual(["cccccccccccccccccccc"]);
    expect(statSync(path).size).toBe(0); // past 100 bytes: emptied after reading
    appendFileSync(path, "1767225603.000 dddddddddddddddddddd.cloud.test\n");
    expect([...(await log.read()).keys()]).toEqual(["dddddddddddddddddddd"]);
  });
});
