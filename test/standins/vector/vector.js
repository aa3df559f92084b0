// STAND-IN for the vector binary (test double for timberio/vector). What the
// tests need of it, done as strictly as Vector does it:
// - reads the --config file as YAML and refuses to start (exit 78, as vector
//   does on a bad config) when it cannot, or when a source has a type this
//   stand-in does not implement (Vector refuses unknown component types);
// - `fluent` sources listen on their `address` and decode the Fluentd Forward
//   protocol (msgpack: Message, Forward and PackedForward modes, EventTime),
//   as vector's src/sources/fluent does; a malformed frame closes the
//   connection;
// - each event is printed as one JSON line "vector stand-in event {...}"
//   (tag, record), so a test reads what reached this project's Vector with
//   `docker logs`. It does not run the transforms or sinks (no VRL here).
// - the API's /health on 9001 (the template's health check) is the shared
//   stand-in server.
"use strict";
const fs = require("fs");
const net = require("net");
const yaml = require("/usr/share/nodejs/js-yaml");

let configPath = "/etc/vector/vector.yaml";
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) if (args[i] === "--config" || args[i] === "-c") configPath = args[++i];

function fail(msg) {
  console.error(`vector stand-in: ${msg}`);
  process.exit(78);
}

let config;
try {
  config = yaml.load(fs.readFileSync(configPath, "utf8"));
} catch (e) {
  fail(`cannot load ${configPath}: ${e.message}`);
}
const sources = (config && config.sources) || {};
if (Object.keys(sources).length === 0) fail("no sources");
for (const [name, src] of Object.entries(sources)) {
  if (src.type !== "fluent") fail(`source "${name}": type "${src.type}" is not implemented by this stand-in`);
  const m = /^([0-9.]+):(\d+)$/.exec(String(src.address || ""));
  if (!m) fail(`source "${name}": address must be <ip>:<port>, got ${JSON.stringify(src.address)}`);
  listenFluent(name, m[1], Number(m[2]));
}

class Incomplete extends Error {}

/** Decodes one msgpack value at buf[pos]; returns [value, nextPos]; throws Incomplete when buf ends first. */
function decode(buf, pos) {
  const need = (n) => {
    if (pos + n > buf.length) throw new Incomplete();
  };
  need(1);
  const b = buf[pos++];
  const bytes = (n) => {
    need(n);
    const out = buf.subarray(pos, pos + n);
    pos += n;
    return out;
  };
  const str = (n) => bytes(n).toString("utf8");
  const arr = (n) => {
    const out = [];
    for (let i = 0; i < n; i++) {
      const [v, p] = decode(buf, pos);
      out.push(v);
      pos = p;
    }
    return out;
  };
  const map = (n) => {
    const out = {};
    for (let i = 0; i < n; i++) {
      const [k, p1] = decode(buf, pos);
      const [v, p2] = decode(buf, p1);
      out[String(k)] = v;
      pos = p2;
    }
    return out;
  };
  const ext = (n) => {
    need(1);
    const type = buf.readInt8(pos++);
    const data = bytes(n);
    // Fluentd's EventTime: ext type 0, seconds and nanoseconds, big-endian.
    if (type === 0 && n === 8) return { eventTime: data.readUInt32BE(0) + data.readUInt32BE(4) / 1e9 };
    throw new Error(`msgpack ext type ${type} of ${n} bytes is not a fluent EventTime`);
  };
  let v;
  if (b <= 0x7f) v = b;
  else if (b >= 0xe0) v = b - 0x100;
  else if ((b & 0xf0) === 0x80) v = map(b & 0x0f);
  else if ((b & 0xf0) === 0x90) v = arr(b & 0x0f);
  else if ((b & 0xe0) === 0xa0) v = str(b & 0x1f);
  else
    switch (b) {
      case 0xc0: v = null; break;
      case 0xc2: v = false; break;
      case 0xc3: v = true; break;
      case 0xc4: need(1); v = bytes(buf[pos++]); break;
      case 0xc5: need(2); pos += 2; v = bytes(buf.readUInt16BE(pos - 2)); break;
      case 0xc6: need(4); pos += 4; v = bytes(buf.readUInt32BE(pos - 4)); break;
      case 0xc7: need(1); v = ext(buf[pos++]); break;
      case 0xc8: need(2); pos += 2; v = ext(buf.readUInt16BE(pos - 2)); break;
      case 0xc9: need(4); pos += 4; v = ext(buf.readUInt32BE(pos - 4)); break;
      case 0xca: v = bytes(4).readFloatBE(0); break;
      case 0xcb: v = bytes(8).readDoubleBE(0); break;
      case 0xcc: v = bytes(1)[0]; break;
      case 0xcd: v = bytes(2).readUInt16BE(0); break;
      case 0xce: v = bytes(4).readUInt32BE(0); break;
      case 0xcf: v = Number(bytes(8).readBigUInt64BE(0)); break;
      case 0xd0: v = bytes(1).readInt8(0); break;
      case 0xd1: v = bytes(2).readInt16BE(0); break;
      case 0xd2: v = bytes(4).readInt32BE(0); break;
      case 0xd3: v = Number(bytes(8).readBigInt64BE(0)); break;
      case 0xd4: v = ext(1); break;
      case 0xd5: v = ext(2); break;
      case 0xd6: v = ext(4); break;
      case 0xd7: v = ext(8); break;
      case 0xd8: v = ext(16); break;
      case 0xd9: need(1); v = str(buf[pos++]); break;
      case 0xda: need(2); pos += 2; v = str(buf.readUInt16BE(pos - 2)); break;
      case 0xdb: need(4); pos += 4; v = str(buf.readUInt32BE(pos - 4)); break;
      case 0xdc: need(2); pos += 2; v = arr(buf.readUInt16BE(pos - 2)); break;
      case 0xdd: need(4); pos += 4; v = arr(buf.readUInt32BE(pos - 4)); break;
      case 0xde: need(2); pos += 2; v = map(buf.readUInt16BE(pos - 2)); break;
      case 0xdf: need(4); pos += 4; v = map(buf.readUInt32BE(pos - 4)); break;
      default: throw new Error(`msgpack: byte 0x${b.toString(16)} is not a value`);
    }
  return [v, pos];
}

function isTime(t) {
  return typeof t === "number" || (t && typeof t.eventTime === "number");
}

/** The events of one Forward-protocol frame (vector's FluentMessage variants). */
function eventsOf(frame) {
  if (frame === null) return []; // heartbeat
  if (!Array.isArray(frame) || typeof frame[0] !== "string") throw new Error("a frame is [tag, ...]");
  const [tag, second, third] = frame;
  if (isTime(second) && third && typeof third === "object" && !Array.isArray(third)) return [{ tag, record: third }]; // Message
  if (Array.isArray(second)) return second.map(([, record]) => ({ tag, record })); // Forward
  if (Buffer.isBuffer(second) || typeof second === "string") {
    // PackedForward: a stream of [time, record] entries
    const bin = Buffer.isBuffer(second) ? second : Buffer.from(second, "binary");
    const out = [];
    for (let p = 0; p < bin.length; ) {
      const [entry, next] = decode(bin, p);
      out.push({ tag, record: entry[1] });
      p = next;
    }
    return out;
  }
  throw new Error("unknown fluent frame");
}

function listenFluent(name, host, port) {
  net
    .createServer((socket) => {
      let pending = Buffer.alloc(0);
      socket.on("data", (chunk) => {
        pending = Buffer.concat([pending, chunk]);
        for (;;) {
          let frame, next;
          try {
            [frame, next] = decode(pending, 0);
          } catch (e) {
            if (e instanceof Incomplete) return;
            console.error(`vector stand-in: source "${name}": ${e.message}; closing the connection`);
            socket.destroy();
            return;
          }
          pending = pending.subarray(next);
          try {
            for (const ev of eventsOf(frame)) console.log(`vector stand-in event ${JSON.stringify({ source: name, tag: ev.tag, record: ev.record })}`);
          } catch (e) {
            console.error(`vector stand-in: source "${name}": ${e.message}`);
          }
        }
      });
      socket.on("error", () => undefined);
    })
    .listen(port, host, () => console.log(`vector stand-in: source "${name}" (fluent) listening on ${host}:${port}`));
}

// The API (/health on 9001): the shared stand-in server.
require("/standin/server.js");
