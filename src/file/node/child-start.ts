/**
 * Starting the pool's child processes (workers.ts), and starting the first one early: a child
 * spends its first ~150 ms of CPU loading its modules, and so does the command line's own process.
 * bin/kj-assess.js starts the child for `check` and `inspect` before it loads anything else, so
 * both load at once on two cores instead of one after the other; the pool then takes that child
 * for its first lane. A child started early and never taken (wrong arguments, no workbook among
 * the files) is stopped when the command ends. Only Node built-ins here: this loads in a few ms.
 *
 * Which script a child runs: after `tsc -p tsconfig.node.json` the compiled `<name>.js` sits
 * beside this module (lib/file/node/) and runs as is. Under ts-jest or `node scripts/run-ts.js`
 * there is only `<name>.ts`; worker-boot.js (plain JS, kept in src/) then installs a require hook
 * that transpiles with the project's own typescript before loading it. Nothing is copied.
 */
import * as fs from "fs";
import * as path from "path";
import { fork, spawn, type ChildProcess } from "child_process";

/** The JavaScript heap a child may grow to; resident memory per file is held by the watchdog, below this. */
const CHILD_HEAP_MB = 6144;

/**
 * The environment of a child that checks file after file (a folder, several files): the user's,
 * with glibc's mmap threshold fixed at its default 128 KB unless the user set it. glibc otherwise
 * raises the threshold to the largest block freed so far (up to 32 MB), after which the megabyte
 * buffers a check allocates and frees (inflated parts, pieces of a copy) come from its heap, where
 * freed memory stays with the process: such a child grew file after file (150 → 240 MB over five
 * 20,000-row workbooks with every output). Fixed, each such buffer is its own mapping, given back
 * when it is freed. A child for one file keeps glibc's default: reusing its heap is what makes the
 * many pieces of a 1,000,000-row sheet cheap (fixed, that check took 0.3–0.5 s more system time).
 * Other C libraries ignore the variable.
 */
export const childEnv = (): NodeJS.ProcessEnv => ({ MALLOC_MMAP_THRESHOLD_: MMAP_THRESHOLD, ...process.env });

/** glibc's default mmap threshold (128 KB), fixed: what childEnv and relaunchEnv set. */
const MMAP_THRESHOLD = "131072";

/** A child's V8 options: its heap cap, and gc exposed (child.ts collects what one file left before it reads the next). */
export const CHILD_EXEC_ARGV = [`--max-old-space-size=${CHILD_HEAP_MB}`, "--expose-gc"];

/** The script that runs worker module `name` (a child process's, or a thread's: report-thread.ts, copy-check.ts), and the arguments it needs. */
export function workerScript(name: string): { file: string; argv: string[] } {
  const compiled = path.join(__dirname, `${name}.js`);
  if (fs.existsSync(compiled)) return { file: compiled, argv: [] };
  return { file: path.join(__dirname, "worker-boot.js"), argv: [path.join(__dirname, `${name}.ts`)] };
}

/** A child and when it is ready: it has loaded its modules and said so (or died trying). */
export interface Started {
  child: ChildProcess;
  ready: Promise<void>;
}

/**
 * Forks a child running the worker module `name` (with `args` after its own); its first message
 * (or its exit) makes it ready. `many`: it will check file after file (childEnv).
 */
export function startChild(name: string, args: string[] = [], many = true): Started {
  const script = workerScript(name);
  const child = fork(script.file, [...script.argv, ...args], {
    execArgv: CHILD_EXEC_ARGV,
    env: many ? childEnv() : process.env,
    serialization: "advanced",
    stdio: ["ignore", "ignore", "pipe", "ipc"],
  });
  // Listening from the start: the ready message may come before anyone asks for the child.
  const ready = new Promise<void>((resolve) => {
    const done = () => {
      child.removeListener("message", done);
      child.removeListener("exit", done);
      resolve();
    };
    child.once("message", done);
    child.once("exit", done);
  });
  return { child, ready };
}

let early: { name: string; started: Started } | null = null;

/** The command line's options that take a value (cli/main.ts STRING_OPTIONS, and --set): the word after one is not a file. */
export const VALUE_OPTIONS = ["pack", "sheet", "report", "annotate", "rules", "lang", "set"];

/** How a child is told the workbook to read ahead (prefetch.ts, which reads it; kept here so that the command line need not load it). */
export const READ_AHEAD_ARG = "--kj-read-ahead=";

/** The arguments after the command name that are files or folders (not options, nor an option's value). */
function operands(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--") continue;
    if (a.startsWith("-")) {
      if (!a.includes("=") && VALUE_OPTIONS.includes(a.replace(/^-+/, ""))) i++;
      continue;
    }
    out.push(a);
  }
  return out;
}

const isWorkbookName = (a: string) => /\.(xlsx|xlsm)$/i.test(a) && !/^~\$/.test(path.basename(a));

/**
 * The first workbook the arguments after the command name (.xlsx or .xlsm, not a folder), as an
 * absolute path — what the pool's first job will read, so the child reads it ahead — or null.
 * Only a guess: the job names its file, and a child told another reads that one as before.
 */
export function firstWorkbook(args: string[]): string | null {
  const a = operands(args).find(isWorkbookName);
  return a === undefined ? null : path.resolve(a);
}

/** Whether the arguments after the command name name one workbook only (not a folder, not several files). */
export function oneWorkbook(args: string[]): boolean {
  const ops = operands(args);
  return ops.length === 1 && isWorkbookName(ops[0]);
}

/**
 * The environment to run the command line's own process in again, for a check of file after file
 * (a folder, several files) on Linux, when it was not started with glibc's mmap threshold fixed;
 * null to go on as it is. The reason is childEnv's: over a folder the command's own process (the
 * report's thread, the JSON, the pieces coming from the workers) grew like a child did, to ~200 MB
 * over ten 20,000-row workbooks with every output against ~130 MB fixed, and a process cannot
 * change its own threshold once started. The variable set is also what stops a second relaunch;
 * a user's own value is kept, and a check of one workbook keeps glibc's default (see childEnv).
 */
export function relaunchEnv(argv: string[], env: NodeJS.ProcessEnv = process.env, platform: string = process.platform): NodeJS.ProcessEnv | null {
  const [command, ...args] = argv;
  if (platform !== "linux" || command !== "check" || env.MALLOC_MMAP_THRESHOLD_ !== undefined) return null;
  if (args.includes("--help") || args.includes("-h") || operands(args).length === 0 || oneWorkbook(args)) return null;
  return { ...env, MALLOC_MMAP_THRESHOLD_: MMAP_THRESHOLD };
}

/**
 * Runs `script` with `argv` again in a process of its own with `env` (relaunchEnv), the terminal
 * its own: this process only waits, passes on a signal it is sent, and ends as that one ends.
 */
export function relaunch(script: string, argv: string[], env: NodeJS.ProcessEnv): void {
  // The same V8 options (a heap cap, say), but not the inspector's: its port is this process's.
  const options = process.execArgv.filter((a) => !/^--(inspect|debug)/.test(a));
  const again = spawn(process.execPath, [...options, script, ...argv], { stdio: "inherit", env });
  const signals: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
  const pass = (s: NodeJS.Signals) => void again.kill(s);
  for (const s of signals) process.on(s, pass);
  again.on("error", (e) => {
    process.stderr.write(`kj-assess 无法启动（cannot start）：${e.message}\n`);
    process.exitCode = 2;
  });
  again.on("exit", (code, signal) => {
    for (const s of signals) process.removeListener(s, pass);
    // Ended by a signal: this process ends by the same one, as the shell would have seen it.
    if (signal) process.kill(process.pid, signal);
    else process.exitCode = code ?? 2;
  });
}

/**
 * Starts the child for worker module `name` now, for the pool to take when it needs one; told to
 * read ahead the first workbook of `args` (the command's arguments after its name), if any.
 */
export function startEarly(name: string, args: string[] = []): void {
  const file = firstWorkbook(args);
  early ??= { name, started: startChild(name, file ? [READ_AHEAD_ARG + file] : [], !oneWorkbook(args)) };
}

/** The child started early for `name`, once (null when there is none). */
export function takeEarly(name: string): Started | null {
  if (early?.name !== name) return null;
  const s = early.started;
  early = null;
  return s;
}

/** Stops a child started early that the run did not need, so the command can end. */
export function dropEarly(): void {
  if (!early) return;
  const { child } = early.started;
  early = null;
  child.kill("SIGKILL");
}
