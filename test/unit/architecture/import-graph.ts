// The static import graph of the app's own source (lib/, app/, components/),
// read with the TypeScript compiler's parser: `import … from`, `import "…"`,
// `export … from` (type-only ones too: a type still ties one layer to another).
// Dynamic `import()` is left out on purpose: it is how a module reaches up
// lazily without a load-time edge. A package appears as `npm:<name>` (a leaf);
// files outside the three folders are not nodes.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import ts from "typescript";

export const ROOTS = ["lib", "app", "components"] as const;
/** Generated code (Prisma's client) is not ours to layer. */
const SKIP_DIRS = new Set(["node_modules", "generated", ".next"]);
const EXTENSIONS = [".ts", ".tsx"];

/** file (posix path relative to the repository) → the files it imports. */
export type ImportGraph = Map<string, string[]>;

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (!SKIP_DIRS.has(name)) out.push(...sourceFiles(path));
    } else if (EXTENSIONS.some((e) => name.endsWith(e)) && !name.endsWith(".d.ts")) {
      out.push(path);
    }
  }
  return out;
}

function specifiers(file: string): string[] {
  const source = ts.createSourceFile(
    file,
    readFileSync(file, "utf8"),
    ts.ScriptTarget.Latest,
    false,
    file.endsWith(".tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
  );
  const out: string[] = [];
  for (const statement of source.statements) {
    if (
      (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) &&
      statement.moduleSpecifier &&
      ts.isStringLiteral(statement.moduleSpecifier)
    ) {
      out.push(statement.moduleSpecifier.text);
    }
  }
  return out;
}

/** The repository file a specifier names (its path as written when the file is missing), or null for a package. Mirrors tsconfig's `@/*` path and bundler resolution. */
function resolveSpecifier(repo: string, from: string, spec: string): string | null {
  let base: string;
  if (spec.startsWith("@/")) base = join(repo, spec.slice(2));
  else if (spec.startsWith(".")) base = resolve(dirname(from), spec);
  else return null;
  const candidates = [base, ...EXTENSIONS.map((e) => base + e), ...EXTENSIONS.map((e) => join(base, "index" + e))];
  for (const c of candidates) if (existsSync(c) && statSync(c).isFile()) return c;
  // Not there (generated code before `prisma generate`): the arrow still counts, to the path as written.
  return base;
}

/** `@scope/name/sub` → `@scope/name`, `name/sub` → `name`. */
function packageName(spec: string): string {
  const parts = spec.split("/");
  return spec.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
}

const toPosix = (path: string): string => path.split(sep).join("/");

export function importGraph(repo: string): ImportGraph {
  const graph: ImportGraph = new Map();
  for (const root of ROOTS) {
    for (const file of sourceFiles(join(repo, root))) {
      const targets = new Set<string>();
      for (const spec of specifiers(file)) {
        if (!spec.startsWith(".") && !spec.startsWith("@/") && !spec.startsWith("node:")) targets.add(`npm:${packageName(spec)}`);
        const target = resolveSpecifier(repo, file, spec);
        if (target && ROOTS.some((r) => toPosix(relative(repo, target)).startsWith(r + "/"))) targets.add(toPosix(relative(repo, target)));
      }
      graph.set(toPosix(relative(repo, file)), [...targets].sort());
    }
  }
  return graph;
}

/** Every strongly connected component of more than one file (or a file importing itself), each as a closed walk `a → b → … → a`. */
export function circles(graph: ImportGraph, include: (file: string) => boolean): string[][] {
  // Tarjan's algorithm, iterative over a sorted node list so the report is stable.
  const nodes = [...graph.keys()].filter(include).sort();
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let next = 0;
  const edges = (n: string): string[] => (graph.get(n) ?? []).filter(include);
  const visit = (root: string): void => {
    const work: Array<{ node: string; i: number }> = [{ node: root, i: 0 }];
    index.set(root, next);
    low.set(root, next++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const out = edges(frame.node);
      if (frame.i < out.length) {
        const to = out[frame.i++]!;
        if (!index.has(to)) {
          index.set(to, next);
          low.set(to, next++);
          stack.push(to);
          onStack.add(to);
          work.push({ node: to, i: 0 });
        } else if (onStack.has(to)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(to)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        let n: string;
        do {
          n = stack.pop()!;
          onStack.delete(n);
          component.push(n);
        } while (n !== frame.node);
        if (component.length > 1 || edges(frame.node).includes(frame.node)) components.push(component.sort());
      }
    }
  };
  for (const n of nodes) if (!index.has(n)) visit(n);
  return components.map((c) => walkWithin(c, edges));
}

/** One closed walk through a component, shortest from its first file back to itself (breadth-first), for the report. */
function walkWithin(component: string[], edges: (n: string) => string[]): string[] {
  const members = new Set(component);
  const start = component[0]!;
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const n = queue.shift()!;
    for (const to of edges(n)) {
      if (!members.has(to)) continue;
      if (to === start) {
        const path = [n];
        while (path[0] !== start) path.unshift(previous.get(path[0]!)!);
        return [...path, start];
      }
      if (!previous.has(to)) {
        previous.set(to, n);
        queue.push(to);
      }
    }
  }
  return component;
}
