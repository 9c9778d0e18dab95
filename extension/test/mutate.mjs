#!/usr/bin/env node
/**
 * Mutation testing for the extension, without dependencies: applies one-line
 * mutations (operator swaps, boolean flips, removed negations, removed
 * statements, off-by-one numbers, `continue`→`break`, min↔max) to each source
 * file in turn, runs the unit tests against each mutant and reports the mutants
 * no test noticed ("survivors"). Not a test file (node --test runs test/*.test.js
 * only) and not part of `npm test`: it takes a few minutes.
 *
 *   cd extension && node test/mutate.mjs                  # lib/*.js and background/*.js
 *   node test/mutate.mjs lib/queue.js background/delivery.js --workers 2
 *
 * Each worker mutates its own copy of the extension in a temporary directory, so
 * the working tree is never touched. A mutant is "killed" when a test fails or the
 * run times out; a mutant that is not valid JavaScript (node --check) is not counted.
 * The tests most related to the file (those naming it) run first, and the run stops
 * at the first failing file.
 */

import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const EXTENSION = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const TIMEOUT_MS = 60_000;

// ------------------------------------------------------------------ mutations

// Binary operators written with spaces around them (the code's style), so `=>`,
// unary minus and text inside most strings are left alone.
const SWAPS = [
  [" === ", " !== "], [" !== ", " === "],
  [" < ", " <= "], [" <= ", " < "], [" > ", " >= "], [" >= ", " > "],
  [" && ", " || "], [" || ", " && "], [" ?? ", " && "],
  [" + ", " - "], [" - ", " + "], [" * ", " / "], [" / ", " * "],
  [" += ", " -= "], [" -= ", " += "],
  ["Math.min(", "Math.max("], ["Math.max(", "Math.min("],
  ["true", "false"], ["false", "true"],
  ["continue;", "break;"],
];

function* occurrences(line, text) {
  for (let at = line.indexOf(text); at >= 0; at = line.indexOf(text, at + 1)) yield at;
}

const isWord = (ch) => ch !== undefined && /[\w$]/.test(ch);

/** Where the code of `line` ends: before a trailing `// comment` (numbers in comments are not code). */
function codeEnd(line) {
  const at = line.search(/(^|\s)\/\/ /);
  return at < 0 ? line.length : at;
}

/** The index just past the parenthesis that closes the one at `open`, or -1. */
function closing(line, open) {
  let depth = 0;
  for (let i = open; i < line.length; i += 1) {
    if (line[i] === "(") depth += 1;
    else if (line[i] === ")" && --depth === 0) return i + 1;
  }
  return -1;
}

// Calls that return a collection; the "emptied" mutant replaces the call with [].
const COLLECTIONS = /(?:\b(?:removeIds|takeBatch|pieces|buildEvents)|\.(?:filter|slice|concat|map))\(/g;

/** Every one-line mutant of `line`: [description, mutated line]. */
export function mutantsOfLine(line) {
  const trimmed = line.trim();
  if (!trimmed || /^(\/\/|\/\*|\*|import |export \{|export \* )/.test(trimmed)) return [];
  const end = codeEnd(line);
  const result = [];
  const replace = (what, at, length, text) => {
    if (at < end) result.push([what, line.slice(0, at) + text + line.slice(at + length)]);
  };
  for (const [from, to] of SWAPS) {
    for (const at of occurrences(line, from)) {
      // `true`/`false` only as whole words
      if (/^\w/.test(from) && (isWord(line[at - 1]) || isWord(line[at + from.length]))) continue;
      replace(`${from.trim()} → ${to.trim()}`, at, from.length, to);
    }
  }
  // Removed negations: `!x` → `x` (not `!=`/`!==`).
  for (let at = line.indexOf("!"); at >= 0; at = line.indexOf("!", at + 1)) {
    if (line[at + 1] !== "=") replace("removed !", at, 1, "");
  }
  // Off by one: every integer literal N → N + 1.
  for (const match of line.matchAll(/(?<![\w$.])(\d[\d_]*)(?![\w$.])/g)) {
    const value = Number(match[1].replaceAll("_", ""));
    if (Number.isSafeInteger(value)) replace(`${match[1]} → ${value + 1}`, match.index, match[1].length, String(value + 1));
  }
  // Another element: `xs[i]` → `xs[i + 1]` and `xs[0]`.
  for (const match of line.matchAll(/(?<=[\w$)\]])\[([^\[\]"'`]+)\]/g)) {
    replace(`[${match[1]}] → [${match[1]} + 1]`, match.index, match[0].length, `[${match[1]} + 1]`);
    if (match[1] !== "0") replace(`[${match[1]}] → [0]`, match.index, match[0].length, "[0]");
  }
  // Emptied collection: a call returning a list → [].
  for (const match of line.matchAll(COLLECTIONS)) {
    const open = match.index + match[0].length - 1;
    const close = closing(line, open);
    if (close < 0) continue;
    // From the start of the receiver (`now.queue.filter(`) or the function name.
    let start = match.index;
    if (match[0].startsWith(".")) while (start > 0 && /[\w$.]/.test(line[start - 1])) start -= 1;
    if (/function\s+$/.test(line.slice(0, start))) continue; // a declaration, not a call
    replace(`emptied ${match[0].replace("(", "")}(…)`, start, close - start, "[]");
  }
  // Removed statements: a whole-line expression statement, `continue`/`break`,
  // a single-line `if (...) statement;` and `return x;` (→ `return;`).
  const indent = line.slice(0, line.length - line.trimStart().length);
  if (/;$/.test(trimmed) && !/^(const|let|var|return|throw|function|class|export|}|\)|])/.test(trimmed)) {
    result.push(["removed statement", `${indent};`]);
  }
  if (/^return .+;$/.test(trimmed)) result.push(["return without value", `${indent}return;`]);
  return result.filter(([, mutated]) => mutated !== line);
}

/** Every mutant of a source file: {file, line (1-based), what, original, mutated, text}. */
export function mutantsOfFile(file) {
  const source = readFileSync(join(EXTENSION, file), "utf-8");
  const lines = source.split("\n");
  const result = [];
  let inDoc = false;
  lines.forEach((line, index) => {
    const trimmed = line.trim();
    if (trimmed.startsWith("/*")) inDoc = !trimmed.includes("*/");
    else if (inDoc) {
      if (trimmed.includes("*/")) inDoc = false;
      return;
    }
    for (const [what, mutated] of mutantsOfLine(line)) {
      const copy = lines.slice();
      copy[index] = mutated;
      result.push({ file, line: index + 1, what, original: trimmed, mutated: mutated.trim(), text: copy.join("\n") });
    }
  });
  return result;
}

// ------------------------------------------------------------------ running

function run(command, args, cwd, timeoutMs = TIMEOUT_MS) {
  return new Promise((done) => {
    const child = spawn(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      done({ code, signal, output });
    });
  });
}

const testFiles = () => readdirSync(join(EXTENSION, "test")).filter((f) => f.endsWith(".test.js")).sort();

/** The test files to run for `file`, those that name it first, the slow full-queue test last. */
function testOrder(file) {
  const name = basename(file);
  const related = [];
  const rest = [];
  for (const test of testFiles()) {
    const text = readFileSync(join(EXTENSION, "test", test), "utf-8");
    (text.includes(`/${name}"`) ? related : rest).push(test);
  }
  const slowLast = (a, b) => Number(a === "full-queue.test.js") - Number(b === "full-queue.test.js");
  return [...related.sort(slowLast), ...rest.sort(slowLast)];
}

/** A private copy of the extension (sources and tests; node_modules is not needed). */
function workspace() {
  const root = mkdtempSync(join(tmpdir(), "hp-mutate-"));
  for (const dir of ["lib", "background", "content", "pages", "popup", "options", "test"]) {
    cpSync(join(EXTENSION, dir), join(root, "extension", dir), { recursive: true });
  }
  cpSync(join(EXTENSION, "package.json"), join(root, "extension", "package.json"));
  symlinkSync(resolve(EXTENSION, "..", "shared"), join(root, "shared")); // the schemas the fakes read
  return root;
}

async function judge(mutant, root, order) {
  const dir = join(root, "extension");
  const target = join(dir, mutant.file);
  const original = readFileSync(target, "utf-8");
  writeFileSync(target, mutant.text);
  try {
    const check = await run(process.execPath, ["--check", target], dir);
    if (check.code !== 0) return { status: "invalid" };
    // One file at a time, related ones first (most mutants die there); `node file`
    // runs a test file's tests and exits non-zero when one fails, without the
    // extra process `node --test` starts per file.
    for (const file of order) {
      const result = await run(process.execPath, [join("test", file)], dir);
      if (result.code !== 0) return { status: "killed", by: file };
    }
    return { status: "survived" };
  } finally {
    writeFileSync(target, original);
  }
}

async function main() {
  const args = process.argv.slice(2);
  let workers = 2;
  const files = [];
  for (let i = 0; i < args.length; i += 1) {
    if (args[i] === "--workers") workers = Number(args[++i]);
    else files.push(args[i]);
  }
  if (!files.length) {
    for (const dir of ["lib", "background"]) {
      for (const f of readdirSync(join(EXTENSION, dir)).sort()) if (f.endsWith(".js")) files.push(`${dir}/${f}`);
    }
  }
  // Content scripts and the browser wrapper have no logic of their own to mutate here.
  const mutants = files.flatMap((file) => mutantsOfFile(file).map((m) => ({ ...m, order: testOrder(file) })));
  const started = Date.now();
  console.log(`${mutants.length} mutants in ${files.length} files, ${workers} workers`);
  const results = new Array(mutants.length);
  let next = 0;
  const roots = Array.from({ length: workers }, workspace);
  try {
    await Promise.all(
      roots.map(async (root) => {
        while (next < mutants.length) {
          const index = next++;
          results[index] = await judge(mutants[index], root, mutants[index].order);
          const m = mutants[index];
          if (results[index].status === "survived") console.log(`SURVIVED ${m.file}:${m.line} ${m.what}: ${m.original}`);
        }
      }),
    );
  } finally {
    for (const root of roots) rmSync(root, { recursive: true, force: true });
  }
  console.log("\nfile                       killed  survived  invalid  kill rate");
  let killed = 0;
  let survived = 0;
  for (const file of files) {
    const mine = results.filter((_, i) => mutants[i].file === file);
    const k = mine.filter((r) => r.status === "killed").length;
    const s = mine.filter((r) => r.status === "survived").length;
    const inv = mine.filter((r) => r.status === "invalid").length;
    killed += k;
    survived += s;
    const rate = k + s ? `${((100 * k) / (k + s)).toFixed(1)} %` : "–";
    console.log(`${file.padEnd(26)} ${String(k).padStart(6)}  ${String(s).padStart(8)}  ${String(inv).padStart(7)}  ${rate.padStart(9)}`);
  }
  const total = killed + survived;
  console.log(`\ntotal: ${killed} of ${total} valid mutants killed (${((100 * killed) / total).toFixed(1)} %) in ${Math.round((Date.now() - started) / 1000)} s`);
  process.exitCode = survived ? 1 : 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
