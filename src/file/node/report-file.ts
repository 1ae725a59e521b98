/**
 * The command line's --report written while the check runs: each sheet's XML is deflated piece by
 * piece (native zlib at its fastest level: a third faster for the whole report, a third larger, each piece flushed to a byte boundary so the pieces join into
 * one deflate stream) into a temporary file beside the report, so the main process holds one piece at a time
 * whatever the number of records or files. At the end the zip is assembled from the compressed
 * sheets (copied, not recompressed) through AtomicFile: a temporary name, read back by digest,
 * then the final name — only over an earlier report of ours.
 */
import * as fs from "fs";
import * as path from "path";
import * as crypto from "crypto";
import * as zlib from "zlib";
import { COUNTS, countsPart, RECORDS, ReportSheet, reportParts, REPORT_SHEETS, SharedStrings, sheetPart, type SheetNo, type XmlSink } from "../../cli/report-xml";
import { noCounts, type ReportSheets } from "../../cli/render";
import { AtomicFile, reasonOf, WriteFailure } from "./atomic";
import { ourKindOfFile } from "./outputs";

/**
 * A part deflated into a temporary file as its pieces come. Each piece is deflated on its own in
 * libuv's thread pool (zlib's asynchronous call: the same bytes as the synchronous one), while the
 * main thread goes on building the next rows; the pieces are written in order as they are done.
 * A failure (disk full) is kept and thrown by end(); nothing is written after it.
 */
class DeflatedPart implements XmlSink {
  crc = 0;
  size = 0;
  compressed = 0;
  #fd: number | null;
  /** The pieces written so far, in order; rejects never (a failure is kept in #error). */
  #written: Promise<void> = Promise.resolve();
  #error: unknown = null;
  /** Pieces given and not yet written. */
  #pending = 0;
  constructor(readonly file: string) {
    this.#fd = fs.openSync(file, "wx");
  }
  write(xml: Uint8Array): void {
    if (this.#error) return;
    this.crc = zlib.crc32(xml, this.crc);
    this.size += xml.length;
    // Past a few pieces in the pool (the rows come faster than the pool deflates them), the piece
    // is deflated here and now: memory holds a few pieces, whatever the report's size.
    const deflated = this.#pending < MAX_PENDING ? deflateRaw(xml) : Promise.resolve(zlib.deflateRawSync(xml, DEFLATE));
    this.#pending++;
    // Handled from now on (a failure is taken up in turn, below), not reported as unhandled meanwhile.
    deflated.catch(() => undefined);
    this.#written = this.#written
      .then(() => deflated)
      .then((d) => {
        if (!this.#error) this.#put(d);
      })
      .catch((e: unknown) => {
        this.#error ??= e;
      })
      .finally(() => this.#pending--);
  }
  #put(b: Uint8Array): void {
    if (this.#fd === null) return;
    for (let off = 0; off < b.length; ) off += fs.writeSync(this.#fd, b, off, b.length - off);
    this.compressed += b.length;
  }
  /** Waits for the pieces, writes the last, empty block that ends the stream and closes the file. */
  async end(): Promise<void> {
    await this.#written;
    if (this.#error) throw this.#error;
    this.#put(zlib.deflateRawSync(new Uint8Array(0)));
    this.close();
  }
  close(): void {
    if (this.#fd === null) return;
    const fd = this.#fd;
    this.#fd = null;
    fs.closeSync(fd);
  }
}

/** Output buffers big enough for most pieces whole (zlib's default, 16 KB, means a trip back to the main thread every 16 KB). */
const OUT_CHUNK = 1 << 18;

/** A piece at zlib's fastest level, flushed to a byte boundary so the pieces join into one stream. */
const DEFLATE: zlib.ZlibOptions = { level: 1, finishFlush: zlib.constants.Z_SYNC_FLUSH, chunkSize: OUT_CHUNK };
/** Pieces given to the thread pool and not yet written (about 40 MB: a chunk of records makes some twenty), past which the next are deflated on the main thread. */
const MAX_PENDING = 32;

function deflateRaw(xml: Uint8Array): Promise<Buffer> {
  return new Promise((resolve, reject) => zlib.deflateRaw(xml, DEFLATE, (e, d) => (e ? reject(e) : resolve(d))));
}

interface ZipPart {
  name: string;
  crc: number;
  size: number;
  compressed: number;
  data: Uint8Array | string;
}

export class ReportFile implements ReportSheets {
  readonly #tmp: string;
  readonly #parts: (DeflatedPart | null)[] = REPORT_SHEETS.map(() => null);
  readonly #sheets: (ReportSheet | null)[] = REPORT_SHEETS.map(() => null);
  readonly #shared = new SharedStrings();
  readonly counts = noCounts();
  readonly summary: ReportSheet;
  readonly issues: ReportSheet;
  readonly groups: ReportSheet;

  /** Opens the sheets' temporary files beside the report; throws WriteFailure when it cannot. */
  constructor(readonly file: string) {
    this.#tmp = path.join(path.dirname(path.resolve(file)), `.kj-${process.pid}-${crypto.randomBytes(4).toString("hex")}`);
    try {
      this.summary = this.#sheet(0);
      this.issues = this.#sheet(1);
      this.groups = this.#sheet(2);
    } catch (e) {
      this.abort();
      throw e instanceof WriteFailure ? e : new WriteFailure(file, reasonOf(e));
    }
  }

  #part(no: SheetNo): DeflatedPart {
    return (this.#parts[no] = new DeflatedPart(`${this.#tmp}-${no}.tmp`));
  }

  #sheet(no: SheetNo): ReportSheet {
    return (this.#sheets[no] = new ReportSheet(no, this.#part(no), this.#shared));
  }

  /** 校验记录, made when the first check record comes. */
  records(): ReportSheet {
    return this.#sheets[RECORDS] ?? this.#sheet(RECORDS);
  }

  /** Rows each sheet left out past Excel's last row, by sheet name index. */
  get cut(): number[] {
    return this.#sheets.map((s) => s?.cut ?? 0);
  }

  /** Ends the sheets and writes the report under its name (atomic); the temporary files are removed whatever happens. */
  async finish(): Promise<void> {
    try {
      for (const s of this.#sheets) s?.end();
      const extra: Record<string, string> = {};
      const overrides: string[] = [];
      countsPart(this.counts, this.#part(COUNTS), extra, overrides);
      const present: SheetNo[] = [];
      const sheets: ZipPart[] = [];
      for (const [no, p] of this.#parts.entries()) {
        if (!p) continue;
        await p.end();
        present.push(no as SheetNo);
        sheets.push({ name: sheetPart(no as SheetNo), crc: p.crc >>> 0, size: p.size, compressed: p.compressed, data: p.file });
      }
      const small = Object.entries({ ...reportParts(present, overrides, this.#shared), ...extra }).map(([name, text]): ZipPart => {
        const b = Buffer.from(text, "utf8");
        const d = zlib.deflateRawSync(b);
        return { name, crc: zlib.crc32(b) >>> 0, size: b.length, compressed: d.length, data: new Uint8Array(d.buffer, d.byteOffset, d.length) };
      });
      const out = new AtomicFile(this.file, { mayReplace: (existing) => ourKindOfFile(existing) === "report" });
      writeZip(out, [...small, ...sheets]);
      out.commit();
    } catch (e) {
      throw e instanceof WriteFailure ? e : new WriteFailure(this.file, reasonOf(e));
    } finally {
      this.abort();
    }
  }

  /** Removes the temporary files (after a failure, or once the report is written). */
  abort(): void {
    for (const p of this.#parts) {
      if (!p) continue;
      try {
        p.close();
      } catch {
        /* nothing more to do with it */
      }
      fs.rmSync(p.file, { force: true });
    }
  }
}

/** A zip of deflated parts (sizes and CRCs known before each part, so no data descriptors); names in UTF-8. */
function writeZip(out: AtomicFile, parts: ZipPart[]): void {
  let offset = 0;
  const central: Buffer[] = [];
  const put = (b: Uint8Array) => {
    out.write(b);
    offset += b.length;
  };
  for (const p of parts) {
    const name = Buffer.from(p.name, "utf8");
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt32LE(0x00210000, 10); // 1980-01-01 00:00
    local.writeUInt32LE(p.crc, 14);
    local.writeUInt32LE(p.compressed, 18);
    local.writeUInt32LE(p.size, 22);
    local.writeUInt16LE(name.length, 26);
    const at = offset;
    put(local);
    put(name);
    if (typeof p.data !== "string") put(p.data);
    else {
      const src = fs.openSync(p.data, "r");
      try {
        const buf = Buffer.allocUnsafe(1 << 20);
        for (let n; (n = fs.readSync(src, buf, 0, buf.length, null)) > 0; ) put(buf.subarray(0, n));
      } finally {
        fs.closeSync(src);
      }
    }
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(20, 4);
    c.writeUInt16LE(20, 6);
    c.writeUInt16LE(0x0800, 8);
    c.writeUInt16LE(8, 10);
    c.writeUInt32LE(0x00210000, 12);
    c.writeUInt32LE(p.crc, 16);
    c.writeUInt32LE(p.compressed, 20);
    c.writeUInt32LE(p.size, 24);
    c.writeUInt16LE(name.length, 28);
    c.writeUInt32LE(at, 42);
    central.push(c, name);
  }
  const start = offset;
  for (const b of central) put(b);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(offset - start, 12);
  end.writeUInt32LE(start, 16);
  put(end);
}
