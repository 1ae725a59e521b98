/**
 * The command line's --report written while the check runs: each sheet's XML — and the shared
 * strings' items, as the sheets add them — is deflated piece by piece (native zlib at level 2, see
 * DEFLATE; each piece flushed to a byte boundary so the pieces join into one deflate stream) into a temporary file beside the report,
 * so the main process holds a few pieces at a time whatever the number of records or files. At
 * the end the zip is assembled from the compressed parts (copied, not recompressed) by the one zip
 * writer (zip-copy.ts, zip64 when sizes need it) through AtomicFile: a temporary name, read back
 * by digest, then the final name — only over an earlier report of ours.
 */
import * as fs from "fs";
import * as path from "path";
import * as crypto from "crypto";
import * as zlib from "zlib";
import { COUNTS, countsPart, RECORDS, ReportSheet, reportParts, REPORT_SHEETS, SharedStrings, sheetPart, type SheetNo, type XmlSink } from "../../cli/report-xml";
import { noCounts, type ReportSheets, type RowSink } from "../../cli/render";
import { RemoteSheet } from "./report-split";
import { writeZipTo, type Part } from "../zip-copy";
import { AtomicFile, reasonOf, WriteFailure } from "./atomic";
import { ourKindOfFile } from "./outputs";

/**
 * A part deflated into a temporary file as its pieces come. Each piece is deflated on its own in
 * libuv's thread pool (zlib's asynchronous call: the same bytes as the synchronous one), while the
 * main thread goes on building the next rows; the pieces are written in order as they are done.
 * A failure (disk full) is kept and thrown by end(); nothing is written after it.
 */
export class DeflatedPart implements XmlSink {
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
  /** The compressed stream read back from the temporary file, a megabyte at a time (once end() is done). */
  chunks(): Generator<Uint8Array> {
    return fileChunks(this.file);
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

/**
 * A piece at zlib's level 2, flushed to a byte boundary so the pieces join into one stream. On the
 * 100,000-row report's 131 MB of XML: level 1 0.30 s CPU for 10.9 MB, level 2 the same time for
 * 10.1 MB, level 3 0.33 s for 9.7 MB, level 6 0.97 s for 8.4 MB.
 */
const DEFLATE: zlib.ZlibOptions = { level: 2, finishFlush: zlib.constants.Z_SYNC_FLUSH, chunkSize: OUT_CHUNK };
/** Pieces given to the thread pool and not yet written (about 40 MB: a chunk of records makes some twenty), past which the next are deflated on the main thread. */
const MAX_PENDING = 32;

function deflateRaw(xml: Uint8Array): Promise<Buffer> {
  return new Promise((resolve, reject) => zlib.deflateRaw(xml, DEFLATE, (e, d) => (e ? reject(e) : resolve(d))));
}

/** A file read a megabyte at a time. */
function* fileChunks(file: string): Generator<Uint8Array> {
  const src = fs.openSync(file, "r");
  try {
    for (;;) {
      const buf = Buffer.allocUnsafe(1 << 20);
      const n = fs.readSync(src, buf, 0, buf.length, null);
      if (n <= 0) return;
      yield buf.subarray(0, n);
    }
  } finally {
    fs.closeSync(src);
  }
}

export class ReportFile implements ReportSheets {
  readonly #tmp: string;
  readonly #parts: (DeflatedPart | null)[] = REPORT_SHEETS.map(() => null);
  readonly #sheets: (ReportSheet | null)[] = REPORT_SHEETS.map(() => null);
  /** The shared strings' items, deflated into their own temporary file as they are added. */
  readonly #sstPart: DeflatedPart;
  readonly #shared: SharedStrings;
  readonly counts = noCounts();
  readonly summary: RowSink;
  readonly issues: RowSink;
  readonly groups: ReportSheet;
  /** 汇总 and 问题清单 each written on a thread of its own (`split`), when they are; by sheet. */
  readonly #remote: (RemoteSheet | null)[] = REPORT_SHEETS.map(() => null);

  /**
   * Opens the sheets' temporary files beside the report; throws WriteFailure when it cannot. `keep`:
   * see SharedStrings. `split`: 汇总 and 问题清单 each written on a thread of its own
   * (report-split.ts), as the command line's report thread does.
   */
  constructor(
    readonly file: string,
    keep?: number,
    opts: { split?: boolean } = {},
  ) {
    this.#tmp = path.join(path.dirname(path.resolve(file)), `.kj-${process.pid}-${crypto.randomBytes(4).toString("hex")}`);
    try {
      this.#sstPart = new DeflatedPart(`${this.#tmp}-sst.tmp`);
      this.#shared = new SharedStrings(this.#sstPart, keep);
      this.summary = opts.split ? (this.#remote[0] = new RemoteSheet(0, `${this.#tmp}-0.tmp`, this.#shared)) : this.#sheet(0);
      this.issues = opts.split ? (this.#remote[1] = new RemoteSheet(1, `${this.#tmp}-1.tmp`, this.#shared)) : this.#sheet(1);
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

  /** A text's index in the report's shared strings (-1: inline). */
  sharedIndex(text: string): number {
    return this.#shared.indexOf(text);
  }

  /** 校验记录, made when the first check record comes. */
  records(): ReportSheet {
    return this.#sheets[RECORDS] ?? this.#sheet(RECORDS);
  }

  /** Rows each sheet left out past Excel's last row, by sheet name index. */
  get cut(): number[] {
    return this.#sheets.map((s, no) => this.#remote[no]?.cut ?? s?.cut ?? 0);
  }

  /** Ends the sheets and writes the report under its name (atomic); the temporary files are removed whatever happens. */
  async finish(): Promise<void> {
    try {
      // Ended in order (a sheet's note of rows left out may add to the table); a sheet on its own thread answers its part when written.
      const remote = this.#sheets.map((s, no) => this.#remote[no]?.end() ?? void s?.end());
      const extra: Record<string, string> = {};
      const overrides: string[] = [];
      countsPart(this.counts, this.#part(COUNTS), extra, overrides);
      const present: SheetNo[] = [];
      const sheets: Part[] = [];
      for (const [no, p] of this.#parts.entries()) {
        const there = remote[no];
        if (there) {
          const r = await there;
          if ("failed" in r) throw new WriteFailure(this.file, r.failed);
          present.push(no as SheetNo);
          sheets.push({ name: sheetPart(no as SheetNo), deflated: { crc: r.crc, size: r.size, compressedSize: r.compressed, chunks: fileChunks(this.#remote[no]!.file) }, when: DOS_1980 });
          continue;
        }
        if (!p) continue;
        await p.end();
        present.push(no as SheetNo);
        sheets.push({ name: sheetPart(no as SheetNo), deflated: { crc: p.crc >>> 0, size: p.size, compressedSize: p.compressed, chunks: p.chunks() }, when: DOS_1980 });
      }
      const small = Object.entries({ ...reportParts(present, overrides, this.#shared), ...extra }).map(([name, text]): Part => {
        const b = Buffer.from(text, "utf8");
        const d = zlib.deflateRawSync(b);
        return { name, deflated: { crc: zlib.crc32(b) >>> 0, size: b.length, chunks: [new Uint8Array(d.buffer, d.byteOffset, d.length)] }, when: DOS_1980 };
      });
      if (this.#shared.size) {
        this.#shared.end();
        const p = this.#sstPart;
        await p.end();
        // The opening (with the counts, known only now) deflated on its own and put before the items:
        // sync-flushed pieces join into one stream, and CRCs join by crc32Combine.
        const head = Buffer.from(this.#shared.head(), "utf8");
        const d = zlib.deflateRawSync(head, DEFLATE);
        sheets.push({
          name: "xl/sharedStrings.xml",
          deflated: { crc: crc32Combine(zlib.crc32(head), p.crc >>> 0, p.size), size: head.length + p.size, compressedSize: d.length + p.compressed, chunks: [d, ...p.chunks()] },
          when: DOS_1980,
        });
      }
      const out = new AtomicFile(this.file, { mayReplace: (existing) => ourKindOfFile(existing) === "report" });
      let written = 0;
      const sink = {
        get length() {
          return written;
        },
        push(b: Uint8Array) {
          out.write(b);
          written += b.length;
        },
      };
      // The one zip writer (zip-copy.ts): zip64 records when a sheet passes 4 GB or the offsets do.
      writeZipTo(sink, new Uint8Array(0), [...small, ...sheets]);
      out.commit();
    } catch (e) {
      throw e instanceof WriteFailure ? e : new WriteFailure(this.file, reasonOf(e));
    } finally {
      this.abort();
    }
  }

  /** Removes the temporary files (after a failure, or once the report is written). */
  abort(): void {
    for (const r of this.#remote) {
      if (!r) continue;
      r.stop();
      fs.rmSync(r.file, { force: true });
    }
    for (const p of [...this.#parts, this.#sstPart]) {
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

/** The report's parts dated 1980-01-01 00:00, the zip format's first day (a report's content does not depend on when it was written). */
const DOS_1980 = { time: 0, date: 0x21 };

/** CRC-32 multiplication in GF(2): the matrix (32 rows) times the vector. */
function gf2Times(mat: Uint32Array, vec: number): number {
  let sum = 0;
  for (let i = 0; vec !== 0; i++, vec >>>= 1) if (vec & 1) sum ^= mat[i];
  return sum >>> 0;
}

function gf2Square(square: Uint32Array, mat: Uint32Array): void {
  for (let n = 0; n < 32; n++) square[n] = gf2Times(mat, mat[n]);
}

/** The CRC-32 of A followed by B, from A's CRC, B's CRC and B's length (zlib's crc32_combine). */
export function crc32Combine(crcA: number, crcB: number, lengthB: number): number {
  if (lengthB <= 0) return crcA >>> 0;
  const even = new Uint32Array(32);
  const odd = new Uint32Array(32);
  // The operator for one zero bit, then two, then four.
  odd[0] = 0xedb88320;
  for (let n = 1, row = 1; n < 32; n++, row <<= 1) odd[n] = row;
  gf2Square(even, odd);
  gf2Square(odd, even);
  let crc = crcA >>> 0;
  let len = lengthB;
  // Zeros appended to A, a power of two at a time (len may pass 2^32: halved by division, not shifts).
  for (;;) {
    gf2Square(even, odd);
    if (len % 2) crc = gf2Times(even, crc);
    len = Math.floor(len / 2);
    if (len === 0) break;
    gf2Square(odd, even);
    if (len % 2) crc = gf2Times(odd, crc);
    len = Math.floor(len / 2);
    if (len === 0) break;
  }
  return (crc ^ crcB) >>> 0;
}
