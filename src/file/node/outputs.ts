/**
 * The command line's outputs on disk: which of our own files are where (by their marker, read
 * without loading whole files), and writing the report and the annotated copies through
 * writeAtomic with the checks each needs.
 */
import * as fs from "fs";
import * as zlib from "zlib";
import { markerOfBytes, markerOfSource, type OurKind } from "../marker";
import { readWorkbook } from "../xlsx-read";
import { writeAtomic, WriteFailure } from "./atomic";

/** Which of our outputs the file is (its marker), or null: not ours, unreadable, or not a workbook. */
export function ourKindOfFile(file: string): OurKind | null {
  let fd: number | null = null;
  try {
    fd = fs.openSync(file, "r");
    const size = fs.fstatSync(fd).size;
    const handle = fd;
    return markerOfSource(
      {
        size,
        read: (offset, length) => {
          const b = Buffer.alloc(Math.max(0, Math.min(length, size - offset)));
          let got = 0;
          while (got < b.length) {
            const n = fs.readSync(handle, b, got, b.length - got, offset + got);
            if (n === 0) break;
            got += n;
          }
          return new Uint8Array(b.buffer, b.byteOffset, got);
        },
      },
      (data, size) => new Uint8Array(zlib.inflateRawSync(data, { maxOutputLength: Math.max(1, size) })),
    );
  } catch {
    return null;
  } finally {
    if (fd !== null) fs.closeSync(fd);
  }
}

/**
 * Why the report may not be written at `file`, or null: an existing file that is not an earlier
 * report of ours, a folder, or a symbolic link to nowhere. Asked when the run starts (so an
 * official does not wait for a long check to learn it) and again, by writeAtomic, at the rename.
 */
export function reportBlocked(file: string): string | null {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(file);
  } catch {
    return null;
  }
  if (st.isSymbolicLink()) {
    try {
      st = fs.statSync(file);
    } catch {
      return "该位置是指向不存在文件的符号链接，不会写入（dangling symbolic link）";
    }
  }
  if (st.isDirectory()) return "该位置是一个文件夹（is a folder）";
  if (ourKindOfFile(file) !== "report") return "该文件已存在，且不是 kj-assess 的汇总报告，不会覆盖（exists and is not a kj-assess report）";
  return null;
}

/** Writes the report: replaces only an earlier report of ours; the bytes read back must be a workbook carrying our marker. */
export function writeReportFile(file: string, bytes: Uint8Array): void {
  writeAtomic(file, bytes, {
    mayReplace: (existing) => ourKindOfFile(existing) === "report",
    verify: (back) => (markerOfBytes(back) === "report" && readWorkbook(back).ok ? null : "写出的报告读回后无法打开（the report read back is not a readable workbook）"),
  });
}

/** Writes an annotated copy under a new name (never over anything); `verify` compares the bytes read back with the original. */
export function writeCopyFile(file: string, bytes: Uint8Array, verify: (back: Uint8Array) => string | null): void {
  writeAtomic(file, bytes, { verify });
}

export { WriteFailure };
