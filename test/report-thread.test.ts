/**
 * The report's thread is fed through Bounded (report-thread.ts): past a few messages waiting, the
 * main thread waits for the thread to handle one — memory bounded whatever the records — and a
 * thread that stops handling (its heap ran out, it hangs) is taken for lost after its stall time
 * instead of holding the command for ever; nothing more is posted to it.
 */
import { Worker } from "worker_threads";
import { Bounded } from "../src/file/node/report-thread";

/** A thread that counts each message it handles (as report-worker.ts does), `delayMs` after it comes, or never when `never`. */
function counter(handled: SharedArrayBuffer, delayMs: number, never = false): Worker {
  const code = `
    const { parentPort, workerData } = require("worker_threads");
    const n = new Int32Array(workerData.handled);
    parentPort.on("message", () => {
      if (workerData.never) return;
      setTimeout(() => { Atomics.add(n, 0, 1); Atomics.notify(n, 0); }, workerData.delayMs);
    });`;
  return new Worker(code, { eval: true, workerData: { handled, delayMs, never } });
}

describe("Bounded: messages to a thread that counts what it handled", () => {
  test("past `max` waiting the poster waits for the thread, and goes on as it handles them: never more than max outstanding once a post returns", async () => {
    const handled = new SharedArrayBuffer(4);
    const count = new Int32Array(handled);
    const w = counter(handled, 20);
    try {
      await new Promise((r) => w.once("online", r));
      const port = new Bounded(w, count, 2, 5);
      let most = 0;
      for (let k = 1; k <= 10; k++) {
        port.post({ k });
        most = Math.max(most, k - Atomics.load(count, 0));
      }
      expect(port.lost).toBe(false);
      // Posting is instant and handling takes 20 ms each: the bound was reached and held.
      expect(most).toBe(2);
      expect(Atomics.load(count, 0)).toBeGreaterThanOrEqual(8);
    } finally {
      await w.terminate();
    }
  }, 30_000);

  test("a thread that handles nothing for the stall time is taken for lost, and nothing more is posted to it", async () => {
    const handled = new SharedArrayBuffer(4);
    const count = new Int32Array(handled);
    const w = counter(handled, 0, true);
    let seen = 0;
    const port = new Bounded({ postMessage: (m: unknown) => (seen++, w.postMessage(m)) }, count, 2, 1);
    try {
      port.post({ k: 1 });
      port.post({ k: 2 });
      expect(port.lost).toBe(false);
      // The third would make three wait: the poster waits one stall time (1 s here, 60 s in use), then gives the thread up.
      port.post({ k: 3 });
      expect(port.lost).toBe(true);
      port.post({ k: 4 });
      expect(seen).toBe(3);
    } finally {
      await w.terminate();
    }
  }, 30_000);
});
