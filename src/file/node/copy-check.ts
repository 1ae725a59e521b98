/**
 * The annotated copy's edited sheet compressed, and read back, in a thread of its own while it is
 * still being edited (resave.ts SheetCheck): each piece the editor writes goes to the thread
 * (copy-check-thread.ts), which compresses it as node/deflate.ts's stream aside does — the same
 * bytes — inflates the compressed pieces again as one stream and walks them as the copy's side
 * of the read-back (sheet-compare.ts CopyWalk); the original's bytes go there too as the editor
 * passes them, walked as the original's side (OriginalDigest). The two sides are compared once
 * the copy is written and read back from disk, if the written part holds exactly the bytes the
 * thread walked; otherwise the copy's part is walked again there. So the second core takes both
 * sides of the read-back while the first is still writing the copy, instead of after.
 */
import { Worker } from "worker_threads";
import { workerScript } from "./child-start";
import { setSheetCheck, type SheetCheck } from "../resave";
import type { CopyWalkResult, DigestResult } from "../sheet-compare";

/** What the thread answers once every piece is in. */
export interface ThreadDone {
  chunks: Uint8Array[];
  walk: CopyWalkResult;
  digest: DigestResult;
}

class ThreadCheck implements SheetCheck {
  private readonly w: Worker;
  private readonly done: Promise<ThreadDone>;

  constructor(part: string) {
    const script = workerScript("copy-check-thread");
    this.w = new Worker(script.file, { argv: script.argv, workerData: { part } });
    this.done = new Promise<ThreadDone>((resolve, reject) => {
      this.w.once("message", resolve);
      this.w.once("error", reject);
      this.w.once("exit", (code) => reject(new Error(`副本核对线程意外结束（the copy's checking thread ended, exit code ${code}）`)));
    });
    // A copy refused before it is zipped never waits for its thread: its failure is not an unheard rejection.
    this.done.catch(() => undefined);
  }

  push(data: Uint8Array, owned: boolean, rows: Int32Array): void {
    // A piece that shares its buffer (a stretch of the original's inflated piece) crosses as a copy of its own.
    const own = owned ? data : data.slice();
    this.w.postMessage({ data: own, rows }, [own.buffer as ArrayBuffer, rows.buffer as ArrayBuffer]);
  }

  original(data: Uint8Array, rows: Int32Array): void {
    // The editor's piece is still its own (the rest of an unfinished tag is read from it): a copy crosses.
    const own = data.slice();
    this.w.postMessage({ original: own, rows }, [own.buffer as ArrayBuffer, rows.buffer as ArrayBuffer]);
  }

  end(rows: Int32Array): Promise<ThreadDone> {
    this.w.postMessage({ end: true, rows }, [rows.buffer as ArrayBuffer]);
    return this.done.finally(() => void this.w.terminate());
  }

  abort(): void {
    void this.w.terminate();
  }
}

/** The command line's workers: every edited sheet small enough to go aside is compressed and walked in a thread. */
export function useCopyCheckThread(): void {
  setSheetCheck((part) => new ThreadCheck(part));
}
