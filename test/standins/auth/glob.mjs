// GOTRUE_URI_ALLOW_LIST patterns: supabase/auth v2.196.0 (@0204331)
// internal/conf/configuration.go compiles each with
// glob.MustCompile(uri, '.', '/') (github.com/gobwas/glob v0.2.3), and
// internal/utilities/request.go IsRedirectURLValid matches the redirect URL
// (without its fragment) against them. gobwas syntax: `*` any run of
// non-separators, `**` any run, `?` one non-separator, `[abc]`/`[a-z]`,
// `[!abc]` negated, `{a,b}` alternatives, `\` escapes. A pattern that does
// not compile panics at start (MustCompile).
import { ConfigError } from "./errors.mjs";

const SEP = "./";
const esc = (s) => s.replace(/[\\^$.*+?()[\]{}|/-]/g, "\\$&");

export function compileGlob(pattern) {
  let i = 0;
  function alt(inBraces) {
    const branches = [];
    let cur = "";
    while (i < pattern.length) {
      const c = pattern[i];
      if (c === "\\") {
        if (i + 1 >= pattern.length) throw new ConfigError(`panic: unexpected end of input in glob ${JSON.stringify(pattern)}`);
        cur += esc(pattern[i + 1]);
        i += 2;
      } else if (c === "*") {
        if (pattern[i + 1] === "*") {
          cur += "[\\s\\S]*";
          i += 2;
        } else {
          cur += `[^${esc(SEP)}]*`;
          i += 1;
        }
      } else if (c === "?") {
        cur += `[^${esc(SEP)}]`;
        i += 1;
      } else if (c === "[") {
        const end = pattern.indexOf("]", i + 1);
        if (end < 0) throw new ConfigError(`panic: unexpected end of input in glob ${JSON.stringify(pattern)}`);
        let body = pattern.slice(i + 1, end);
        const neg = body.startsWith("!");
        if (neg) body = body.slice(1);
        const cls = body.replace(/[\\\]^]/g, "\\$&");
        cur += neg ? `[^${cls}]` : `[${cls}]`;
        i = end + 1;
      } else if (c === "{") {
        i += 1;
        cur += `(?:${alt(true)})`;
      } else if (c === "," && inBraces) {
        branches.push(cur);
        cur = "";
        i += 1;
      } else if (c === "}" && inBraces) {
        i += 1;
        branches.push(cur);
        return branches.join("|");
      } else {
        cur += esc(c);
        i += 1;
      }
    }
    if (inBraces) throw new ConfigError(`panic: unexpected end of input in glob ${JSON.stringify(pattern)}`);
    branches.push(cur);
    return branches.join("|");
  }
  const re = new RegExp(`^(?:${alt(false)})$`);
  return { pattern, match: (s) => re.test(s) };
}
