/**
 * The web page's worker (a Web Worker, its own bundle: page-worker.js): it holds the opened
 * workbook and does every long step — reading, checking, the report and the annotated copy — so
 * a huge or hostile file never freezes the page, and the page can terminate it at its time limit
 * or when the official presses 取消 (page-remote.ts). The work itself is page-session.ts.
 */
import { PageSession, type SessionMessage, type SessionRequest } from "./page-session";

const scope = globalThis as unknown as {
  onmessage: ((e: { data: SessionRequest }) => void) | null;
  postMessage(m: SessionMessage, transfer?: Transferable[]): void;
};

const session = new PageSession((m, transfer) => scope.postMessage(m, transfer ?? []));
// One request at a time, in the order sent: a replay after a cancel rebuilds the state step by step.
// A window of rows of a result already made, or of a sheet's cells, only reads: answered at once,
// between the parts of a check still writing (the results view asks for its first rows while the
// copy is written).
// Its result not made yet (a replay under way after 取消): in turn, after the replay.
let queue = Promise.resolve();
scope.onmessage = (e) => {
  const req = e.data;
  if ((req.op === "rows" && session.holds(req.ref)) || (req.op === "cells" && session.isOpen())) void session.handle(req);
  else queue = queue.then(() => session.handle(req));
};
