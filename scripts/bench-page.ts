/**
 * The web page as an official uses it, in Chromium (Debian's, through playwright-core): the
 * intranet build served over plain http, a generated workbook chosen in the file picker, 一键校验
 * pressed the moment it can be, the results shown, then 下载校验报告 and 下载标注副本 each until
 * the file is saved. Timed from the file chosen, on the clock of the process that drives the
 * browser; every main-thread block the browser reports (PerformanceObserver "longtask", 50 ms and
 * longer) is kept per step, and a 20 ms timer measures the longest the page could not answer.
 * Peak memory is Chromium's whole process tree. Driven by bench-all.ts (`npm run bench`).
 */
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import type { AddressInfo } from "net";
import { chromium, type Browser } from "playwright-core";
import { descendants, treeSampler } from "./bench-proc";

const ROOT = path.resolve(__dirname, "..");
export const CHROMIUM = process.env.KJ_CHROMIUM ?? "/usr/bin/chromium";
const TYPES: Record<string, string> = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".json": "application/json", ".png": "image/png", ".css": "text/css", ".xml": "text/xml" };

export interface Site {
  origin: string;
  close(): Promise<void>;
}

/** Builds the page (webpack, intranet, production) into `outDir` unless it already holds one. */
export async function buildPage(outDir: string): Promise<void> {
  if (fs.existsSync(path.join(outDir, "index.html"))) return;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const webpack = require("webpack");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const makeConfig = require(path.join(ROOT, "webpack.config.js"));
  const config = makeConfig({ outDir, intranet: true }, { mode: "production" });
  const stats = await new Promise<{ hasErrors(): boolean; toString(o: object): string }>((resolve, reject) => webpack(config, (err: Error | null, s: never) => (err ? reject(err) : resolve(s))));
  if (stats.hasErrors()) throw new Error(stats.toString({ all: false, errors: true }));
}

/** Serves a built page over http on a free local port. */
export async function serve(dir: string): Promise<Site> {
  const server = http.createServer((req, res) => {
    const url = decodeURIComponent((req.url ?? "/").split("?")[0]);
    const file = path.join(dir, path.normalize(url === "/" ? "/index.html" : url));
    if (!file.startsWith(dir) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream" });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

export const STEPS = ["open", "check", "report", "annotated"] as const;
export type Step = (typeof STEPS)[number];
export const STEP_LABEL: Record<Step, string> = {
  open: "file chosen → 一键校验 ready (read in the page)",
  check: "一键校验 → results shown",
  report: "下载校验报告 → file saved",
  annotated: "下载标注副本 → file saved",
};

export interface PageFigures {
  rows: number;
  /** Milliseconds each step took, when it finished. */
  ms: Partial<Record<Step, number>>;
  /** Longest main-thread block (longtask) during each step, ms; 0 when none was reported. */
  longest: Partial<Record<Step, number>>;
  /** Longest gap between the page's 20 ms timer ticks over every step. */
  gapMs: number;
  peakMb: number;
  /** Why a step did not finish, or errors the page threw. */
  notes: string[];
}

/** Chromium's main process among this process's children. */
function chromiumRoot(): number | undefined {
  for (const pid of descendants(process.pid)) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "latin1");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === process.pid && /chrom/i.test(fs.readFileSync(`/proc/${pid}/comm`, "latin1"))) return pid;
    } catch {
      // ended
    }
  }
  return undefined;
}

async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync"],
  });
}

/** Records every longtask and the longest gap of a 20 ms timer, from the page's first script on. */
const PROBE = () => {
  const w = window as unknown as { kjLong: [number, number][]; kjGap: number; kjLast: number };
  w.kjLong = [];
  w.kjGap = 0;
  w.kjLast = performance.now();
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.kjLong.push([e.startTime, e.duration]);
    }).observe({ type: "longtask", buffered: true });
  } catch {
    // no longtask support: the timer below still measures
  }
  setInterval(() => {
    const now = performance.now();
    w.kjGap = Math.max(w.kjGap, now - w.kjLast);
    w.kjLast = now;
  }, 20);
};

const now = () => Number(process.hrtime.bigint()) / 1e6;

/** One workbook through the page, every step timed; a step that fails ends the run, said in notes. */
export async function benchPage(file: string, rows: number, site: Site, outDir: string, timeoutMs: number): Promise<PageFigures> {
  const browser = await launch();
  const root = chromiumRoot();
  const sampler = treeSampler(() => root);
  const fig: PageFigures = { rows, ms: {}, longest: {}, gapMs: 0, peakMb: 0, notes: [] };
  try {
    const context = await browser.newContext({ locale: "zh-CN", viewport: { width: 1366, height: 900 }, acceptDownloads: true });
    // Nothing leaves the page's origin (as in the browser tests).
    await context.route(
      (url) => url.origin !== site.origin,
      (route) => route.abort(),
    );
    await context.addInitScript(PROBE);
    const page = await context.newPage();
    page.on("pageerror", (e) => fig.notes.push(`page error: ${e.message.slice(0, 160)}`));
    await page.goto(`${site.origin}/index.html`);
    await page.getByTestId("file-input").waitFor({ state: "attached", timeout: 60_000 });
    const pageNow = () => page.evaluate(() => performance.now());
    const longestSince = (from: number) => page.evaluate((t) => Math.max(0, ...(window as unknown as { kjLong: [number, number][] }).kjLong.filter(([s]) => s >= t).map(([, d]) => d)), from);

    const step = async (name: Step, run: () => Promise<void>): Promise<boolean> => {
      const mark = await pageNow();
      const t0 = now();
      try {
        await run();
      } catch (e) {
        fig.notes.push(`${STEP_LABEL[name]}: did not finish — ${(e as Error).message.split("\n")[0].slice(0, 160)}`);
        return false;
      }
      fig.ms[name] = now() - t0;
      fig.longest[name] = await longestSince(mark);
      return true;
    };
    const download = (button: string, name: string) => async () => {
      const [dl] = await Promise.all([page.waitForEvent("download", { timeout: timeoutMs }), page.getByRole("button", { name: button }).click({ timeout: timeoutMs })]);
      const saved = path.join(outDir, name);
      await dl.saveAs(saved);
      if (!(fs.statSync(saved).size > 0)) throw new Error(`${name} is empty`);
      fs.rmSync(saved, { force: true });
    };

    // The page's own start does not count: the probe's longest gap from the file chosen on.
    await page.evaluate(() => {
      const w = window as unknown as { kjGap: number; kjLast: number };
      w.kjGap = 0;
      w.kjLast = performance.now();
    });
    const done =
      (await step("open", async () => {
        await page.getByTestId("file-input").setInputFiles(file);
        await page.getByRole("button", { name: "一键校验" }).waitFor({ state: "visible", timeout: timeoutMs });
      })) &&
      (await step("check", async () => {
        await page.getByRole("button", { name: "一键校验" }).click({ timeout: timeoutMs });
        await page.getByTestId("records-checked").waitFor({ state: "visible", timeout: timeoutMs });
      })) &&
      (await step("report", download("下载校验报告", "report.xlsx"))) &&
      (await step("annotated", download("下载标注副本", "annotated.xlsx")));
    void done;
    fig.gapMs = await page.evaluate(() => (window as unknown as { kjGap: number }).kjGap).catch(() => NaN);
    await context.close();
  } finally {
    fig.peakMb = sampler.stop() / 1048576;
    await browser.close();
  }
  return fig;
}

/** A temporary folder for the page's build and downloads. */
export const pageTemp = () => fs.mkdtempSync(path.join(os.tmpdir(), "kj-bench-page-"));
