/**
 * The thread of copy-check.ts: compresses each piece of an edited sheet as node/deflate.ts's
 * stream aside does (raw deflate, level 1, each piece flushed to a byte boundary, an empty final
 * block at the end), keeps the compressed pieces — what the zip will hold — and inflates them
 * again as one stream, walking what comes out as the copy's side of the read-back
 * (sheet-compare.ts CopyWalk) with the rows' cells the editor sent along; and walks the
 * original's bytes as the editor passes them, as the original's side (OriginalDigest). Answers
 * the compressed pieces and both sides once the last piece is in and walked.
 */
import { parentPort, workerData } from "worker_threads";
import * as zlib from "zlib";
import { CopyWalk, OriginalDigest } from "../sheet-compare";
import { ByteTokenizer } from "../sheet-stream";
import { ExpectedRows } from "../plan-cells";
import { useNodeDeflate } from "./deflate";

// CRC-32 by zlib, as the writer's.
useNodeDeflate();

const part: string = (workerData as { part: string }).part;
const rows = new ExpectedRows();
const walk = new CopyWalk(rows.view());
const digest = new OriginalDigest(rows.view());
const originalTokens = new ByteTokenizer(digest);
const chunks: Uint8Array[] = [];
const inflater = zlib.createInflateRaw({ chunkSize: 1 << 20 });
let answered = false;

/** A compressed piece in a buffer of its own (zlib's output may sit in a larger one), to be handed back. */
function own(b: Buffer): Uint8Array {
  const out = new Uint8Array(b.length);
  out.set(b);
  return out;
}

function answer(): void {
  if (answered) return;
  answered = true;
  const result = walk.end();
  const sides = digest.finish();
  const arrays = [result.keys, result.h1s, result.h2s, sides.keys, sides.h1s, sides.h2s].map((a) => a.buffer as ArrayBuffer);
  parentPort!.postMessage({ chunks, walk: result, digest: sides }, [...chunks.map((c) => c.buffer as ArrayBuffer), ...arrays]);
}

inflater.on("data", (b: Buffer) => walk.push(new Uint8Array(b.buffer, b.byteOffset, b.length)));
inflater.on("error", () => {
  // As streamPart says it of a part that cannot be inflated.
  walk.broken(`压缩包中的“${part}”无法解压`);
  answer();
});
inflater.on("end", answer);

/** The original's tokens walked as the editor walked them (a failure there refused the edit already). */
function originalPiece(run: () => void): void {
  try {
    run();
  } catch (e) {
    digest.fail(e instanceof Error ? e.message : String(e));
  }
}

parentPort!.on("message", (m: { data?: Uint8Array; original?: Uint8Array; rows: Int32Array; end?: boolean }) => {
  rows.add(m.rows);
  if (m.original) originalPiece(() => originalTokens.push(m.original!));
  if (m.data) {
    const c = own(zlib.deflateRawSync(m.data, { level: 1, finishFlush: zlib.constants.Z_SYNC_FLUSH }));
    chunks.push(c);
    inflater.write(c);
  }
  if (m.end) {
    originalPiece(() => originalTokens.end());
    const c = own(zlib.deflateRawSync(new Uint8Array(0), { level: 1 }));
    chunks.push(c);
    inflater.end(c);
  }
});
