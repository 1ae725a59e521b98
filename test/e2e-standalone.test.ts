/**
 * The standalone page end to end, as a WPS user without add-in rights uses it: the production
 * build served over plain http, opened in headless Chromium (Debian's, through playwright-core;
 * office.js then reports no host), an example workbook chosen, 一键校验 pressed, the verdicts read
 * off the page, the report downloaded and read back. A screenshot of the pane after validation is
 * saved to test-output/taskpane.png for a person to look at (not committed).
 */
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import type { AddressInfo } from "net";
import ExcelJS from "exceljs";
import { chromium, type Browser } from "playwright-core";

const ROOT = path.resolve(__dirname, "..");
const CHROMIUM = process.env.KJ_CHROMIUM ?? "/usr/bin/chromium";
const available = fs.existsSync(CHROMIUM);
if (!available) console.log(`standalone e2e skipped: no Chromium at ${CHROMIUM} (.ci/run installs it)`);
const e2e = available ? describe : describe.skip;

// eslint-disable-next-line @typescript-eslint/no-require-imports
const webpack = require("webpack");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const makeConfig = require("../webpack.config.js");

const TYPES: Record<string, string> = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".json": "application/json", ".png": "image/png", ".css": "text/css", ".xml": "text/xml" };

e2e("standalone page in a browser", () => {
  let out: string;
  let server: http.Server;
  let origin: string;
  let browser: Browser;

  beforeAll(async () => {
    out = fs.mkdtempSync(path.join(os.tmpdir(), "kj-page-"));
    const config = makeConfig({ outDir: out }, { mode: "production" });
    const stats = await new Promise<{ hasErrors(): boolean; toString(o: object): string }>((resolve, reject) =>
      webpack(config, (err: Error | null, s: never) => (err ? reject(err) : resolve(s))),
    );
    if (stats.hasErrors()) throw new Error(stats.toString({ all: false, errors: true }));
    server = http.createServer((req, res) => {
      const url = decodeURIComponent((req.url ?? "/").split("?")[0]);
      const file = path.join(out, path.normalize(url === "/" ? "/taskpane.html" : url));
      if (!file.startsWith(out) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream" });
      fs.createReadStream(file).pipe(res);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
      // playwright gives every launch a fresh, empty profile of its own.
    });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    server?.close();
    if (out) fs.rmSync(out, { recursive: true, force: true });
  });

  test("choose an example, 一键校验, verdicts on the page, report downloaded and read back", async () => {
    const context = await browser.newContext({ locale: "zh-CN", viewport: { width: 420, height: 1100 }, acceptDownloads: true });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${origin}/taskpane.html`);
    await page.getByText("选择文件").first().waitFor({ timeout: 30_000 });

    await page.getByTestId("file-input").setInputFiles(path.join(ROOT, "examples", "考核-证据数量.xlsx"));
    await page.getByText("工作室名称").first().waitFor({ timeout: 30_000 });
    await page.getByRole("button", { name: "一键校验" }).click();
    // Results: the grade counts and the problem naming the unreadable cell.
    await page.getByText("若干").first().waitFor({ timeout: 30_000 });
    const text = await page.locator("body").innerText();
    expect(text).toContain("优秀");
    expect(text).toContain("合格");
    expect(text).toContain("不合格");
    expect(text).toContain("J8");

    fs.mkdirSync(path.join(ROOT, "test-output"), { recursive: true });
    await page.screenshot({ path: path.join(ROOT, "test-output", "taskpane.png"), fullPage: true });

    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "下载校验报告" }).click()]);
    const saved = path.join(out, "report.xlsx");
    await download.saveAs(saved);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(saved);
    expect(wb.worksheets.map((w) => w.name)).toEqual(["汇总", "问题清单", "经费"]);
    const values = wb.getWorksheet("汇总")!.getSheetValues().flat().filter((v) => typeof v === "string");
    expect(values).toEqual(expect.arrayContaining(["海州区新海实验中学科技教育名师工作室", "优秀", "不合格"]));
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);
});
