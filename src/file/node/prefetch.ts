/**
 * A worker process started early for a check (child-start.ts) is told the workbook the command
 * line names first. It reads that file and starts inflating its sheets and shared strings in
 * libuv's thread pool as the very first thing it does, so that the inflating — a sixth of reading a
 * 100,000-row workbook — runs on the other core while this process loads its modules, instead of
 * after. The reader then takes each part inflated ahead instead of inflating it (node/inflate.ts:
 * the same zlib call, so the same bytes; a part that failed ahead is inflated when read, as it
 * would have been, and fails or falls back the same way). Whatever the file holds, this does at
 * most what reading it would do: the file is read only if it is a zip of a bounded size, a part
 * only up to its declared size and within the whole-part limit, and at most PREFETCH_BYTES in all.
 * The job for that path takes it (takePrefetch); any other job drops it. Only Node built-ins and
 * zip.ts here: this loads in a few ms, before the worker's other modules.
 */
import * as fs from "fs";
import { READ_AHEAD_ARG } from "./child-start";
import { dropAhead, inflateAhead } from "./inflate";
import { entryData, isZip, listZip, normalizeName, WHOLE_PART_BYTES, type ZipEntry } from "../zip";


/** A file larger than this is not read ahead (the job reads it as before). */
const MAX_FILE_BYTES = 256 << 20;
/** What all the parts inflated ahead may hold together. */
const PREFETCH_BYTES = 256 << 20;

/** The parts worth inflating ahead: every worksheet and the shared strings (what a check reads). */
const WANTED = /^xl\/(worksheets\/[^/]+\.xml|sharedstrings\.xml)$/;

interface Ahead {
  path: string;
  bytes: Uint8Array;
  /** CPU time (µs, process.cpuUsage) when reading ahead began: the file's clock starts there. */
  cpuFrom: number;
  /** Every part inflated ahead is in (or failed and will be inflated when read). */
  inflated: Promise<void>;
}

let ahead: Ahead | null = null;

function start(file: string): Ahead | null {
  const u = process.cpuUsage();
  const cpuFrom = u.user + u.system;
  let bytes: Uint8Array;
  try {
    const st = fs.statSync(file);
    if (!st.isFile() || st.size > MAX_FILE_BYTES) return null;
    const b = fs.readFileSync(file);
    bytes = new Uint8Array(b.buffer, b.byteOffset, b.length);
  } catch {
    return null;
  }
  if (!isZip(bytes)) return null;
  let entries: ZipEntry[];
  try {
    entries = listZip(bytes);
  } catch {
    // A damaged directory: the reader says so when the job comes.
    return { path: file, bytes, cpuFrom, inflated: Promise.resolve() };
  }
  // The shared strings are read before any sheet: they go first.
  const wanted = entries.filter((e) => e.method === 8 && e.size > 0 && e.size <= WHOLE_PART_BYTES && WANTED.test(normalizeName(e.name)));
  wanted.sort((a, b) => Number(b.name.toLowerCase().endsWith("sharedstrings.xml")) - Number(a.name.toLowerCase().endsWith("sharedstrings.xml")));
  const pending: Promise<void>[] = [];
  let left = PREFETCH_BYTES;
  for (const e of wanted) {
    if (e.size > left) break;
    let data: Uint8Array;
    try {
      data = entryData(bytes, e);
    } catch {
      continue;
    }
    left -= e.size;
    pending.push(inflateAhead(bytes.buffer, data, e.size));
  }
  return { path: file, bytes, cpuFrom, inflated: Promise.all(pending).then(() => undefined) };
}

/** Starts reading `file` ahead (an absolute path, as the pool's jobs name files), instead of any read ahead before. */
export function readAhead(file: string): void {
  dropAhead();
  ahead = start(file);
}

// The file this process's arguments name, if any, from the moment this module loads.
const named = process.argv.find((a) => a.startsWith(READ_AHEAD_ARG));
if (named) readAhead(named.slice(READ_AHEAD_ARG.length));

/**
 * The file read ahead, when it is `file` (once; its parts inflated by then): its bytes and the CPU
 * time its reading began at. Null for any other file, and then what was read ahead is dropped.
 */
export async function takePrefetch(file: string): Promise<{ bytes: Uint8Array; cpuFrom: number } | null> {
  const a = ahead;
  ahead = null;
  if (!a || a.path !== file) {
    dropAhead();
    return null;
  }
  await a.inflated;
  return { bytes: a.bytes, cpuFrom: a.cpuFrom };
}
