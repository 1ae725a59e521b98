/**
 * The web page's reading worker (a Web Worker, its own bundle: page-worker.js). The page hands it
 * the file's bytes and reads nothing itself, so a hostile or huge file never freezes the page: the
 * page can terminate this worker at its time limit or when the official presses 取消. Messages
 * are small and plain: bytes in; progress (sheets done) out; then the result.
 */
import { readAll } from "./xlsx-read";

/** The page → worker message. */
export interface PageReadJob {
  bytes: ArrayBuffer;
}

/** The worker → page messages. */
export type PageReadMessage = { type: "progress"; done: number; total: number } | { type: "result"; result: import("./xlsx-read").ReadBack };

const scope = globalThis as unknown as { onmessage: ((e: { data: PageReadJob }) => void) | null; postMessage(m: PageReadMessage): void };

scope.onmessage = (e) => {
  const result = readAll(new Uint8Array(e.data.bytes), (done, total) => scope.postMessage({ type: "progress", done, total }));
  scope.postMessage({ type: "result", result });
};
