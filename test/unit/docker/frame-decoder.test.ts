import { describe, expect, it } from "vitest";
import { FrameDecoder } from "@/lib/docker/logs";

function frame(stream: 1 | 2, text: string): Buffer {
  const body = Buffer.from(text);
  const head = Buffer.alloc(8);
  head[0] = stream;
  head.writeUInt32BE(body.length, 4);
  return Buffer.concat([head, body]);
}

describe("FrameDecoder", () => {
  it("splits multiplexed frames into lines per stream, across chunk boundaries", () => {
    const d = new FrameDecoder();
    const all = Buffer.concat([frame(1, "2026-01-01T00:00:00Z hello\n2026-01-01T00:00:01Z wor"), frame(2, "2026-01-01T00:00:02Z oops\n"), frame(1, "ld\n")]);
    const first = d.push(all.subarray(0, 13), true);
    const rest = d.push(all.subarray(13), true);
    expect([...first, ...rest]).toEqual([
      { stream: "stdout", time: "2026-01-01T00:00:00Z", line: "hello" },
      { stream: "stderr", time: "2026-01-01T00:00:02Z", line: "oops" },
      { stream: "stdout", time: "2026-01-01T00:00:01Z", line: "world" },
    ]);
    expect(d.flush(true)).toEqual([]);
  });

  it("flushes a last line without newline", () => {
    const d = new FrameDecoder();
    expect(d.push(frame(1, "partial"), false)).toEqual([]);
    expect(d.flush(false)).toEqual([{ stream: "stdout", line: "partial" }]);
  });
});
