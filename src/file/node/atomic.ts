/**
 * Every file the command line writes goes through here, so that no official's file is lost,
 * overwritten or left half-written: the bytes go to a temporary name in the destination's own
 * folder, are flushed to disk (fsync), read back and compared, and only then take the final name
 * — by a hard link when nothing may be there (the operating system refuses if a file appeared in
 * the meantime), by a rename when an earlier output of ours is replaced (the permission to replace
 * it is asked again just before the rename). A kill or a full disk at any moment leaves the old
 * file or nothing under the final name, never a partial one. A failure says which write failed
 * and why (WriteFailure); it is never the input's fault.
 */
import * as fs from "fs";
import * as path from "path";
import type * as Crypto from "crypto";

/** node:crypto, loaded when a file is first written: a worker whose check is only printed never loads it (a few ms of its start). */
let cryptoLib: typeof Crypto | null = null;
const crypto = (): typeof Crypto => (cryptoLib ??= require("crypto") as typeof Crypto);

export class WriteFailure extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(reason);
  }
}

export interface AtomicOptions {
  /**
   * Whether a file already at the final name may be replaced: absent means never (the write is
   * refused); otherwise a test of that file, asked when the write starts and again just before
   * the rename, so a file put there meanwhile is not overwritten either.
   */
  mayReplace?: (existing: string) => boolean;
  /** A check of the bytes read back from disk (before they take the final name): a problem, or null. */
  verify?: (written: Uint8Array) => string | null;
}

/** Operating-system error codes in words an official can act on. */
const REASONS: Record<string, string> = {
  ENOSPC: "磁盘空间不足（disk full）",
  EDQUOT: "超出磁盘配额（disk quota exceeded）",
  EACCES: "没有权限（permission denied）",
  EPERM: "操作不被允许（operation not permitted）",
  EFBIG: "文件超过允许的大小（file too large）",
  EROFS: "磁盘只读（read-only file system）",
  ENOENT: "文件夹不存在（folder does not exist）",
  ENOTDIR: "路径中有一段不是文件夹（not a folder）",
  EISDIR: "该位置是一个文件夹（is a folder）",
  EEXIST: "该位置已有文件，不会覆盖（a file already exists there; not overwritten）",
  ENAMETOOLONG: "文件名太长（name too long）",
  EIO: "磁盘读写错误（I/O error）",
  EBUSY: "文件正被占用（file busy）",
};

export function reasonOf(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code && REASONS[code]) return `${REASONS[code]}（${code}）`;
  return e instanceof Error ? e.message : String(e);
}

/** What is at the final name: nothing, a file (through a symlink: the file it points to), or something we must not write over. */
function destination(file: string): { target: string; exists: boolean } {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return { target: file, exists: false };
    throw new WriteFailure(file, reasonOf(e));
  }
  if (st.isSymbolicLink()) {
    let real: string;
    try {
      real = fs.realpathSync(file);
    } catch {
      // Writing through it would create whatever it points at, somewhere the user did not name.
      throw new WriteFailure(file, "该位置是指向不存在文件的符号链接，不会写入（dangling symbolic link; nothing written）");
    }
    const inner = destination(real);
    return inner;
  }
  if (st.isDirectory()) throw new WriteFailure(file, REASONS.EISDIR);
  if (!st.isFile()) throw new WriteFailure(file, "该位置不是普通文件（not a regular file）");
  return { target: file, exists: true };
}

function mayGo(file: string, exists: boolean, opts: AtomicOptions): void {
  if (!exists) return;
  if (!opts.mayReplace) throw new WriteFailure(file, REASONS.EEXIST);
  if (!opts.mayReplace(file)) throw new WriteFailure(file, "该位置已有文件，且不是 kj-assess 写出的，不会覆盖（exists and was not written by kj-assess; not overwritten）");
}

function writeAll(fd: number, data: Uint8Array): void {
  for (let off = 0; off < data.length; ) off += fs.writeSync(fd, data, off, data.length - off);
}

/** Flushes the folder entry of a rename or link; some systems (Windows) cannot open folders, which is fine there. */
function syncFolder(dir: string): void {
  let fd: number | null = null;
  try {
    fd = fs.openSync(dir, "r");
    fs.fsyncSync(fd);
  } catch {
    /* best effort */
  } finally {
    if (fd !== null) fs.closeSync(fd);
  }
}

/** Link codes of file systems without hard links (FAT and exFAT on USB sticks, some network shares). */
const NO_LINKS = new Set(["EPERM", "ENOTSUP", "EOPNOTSUPP", "ENOSYS", "EXDEV", "EMLINK"]);

/**
 * A file being written under a temporary name, for outputs produced piece by piece (a report
 * whose rows stream in as files finish): `write` appends, `commit` flushes, reads the file back
 * (comparing a digest, not holding it all) and gives it the final name; `abort` removes it. After
 * `commit` or `abort`, or when either throws, nothing of ours is left but the final file, if any.
 */
export class AtomicFile {
  private readonly target: string;
  private readonly tmp: string;
  private fd: number | null;
  private readonly hash = crypto().createHash("sha256");
  private size = 0;

  constructor(
    readonly file: string,
    private readonly opts: AtomicOptions = {},
  ) {
    const { target, exists } = destination(file);
    mayGo(file, exists, opts);
    this.target = target;
    // Hidden and without a workbook extension: a folder walk never takes it for a workbook.
    this.tmp = path.join(path.dirname(target), `.kj-${process.pid}-${crypto().randomBytes(4).toString("hex")}.tmp`);
    try {
      this.fd = fs.openSync(this.tmp, "wx");
    } catch (e) {
      throw new WriteFailure(file, reasonOf(e));
    }
  }

  write(chunk: Uint8Array): void {
    if (this.fd === null) throw new WriteFailure(this.file, "文件已关闭（already closed）");
    try {
      writeAll(this.fd, chunk);
    } catch (e) {
      this.abort();
      throw new WriteFailure(this.file, reasonOf(e));
    }
    this.hash.update(chunk);
    this.size += chunk.length;
  }

  /**
   * Gives the written bytes the final name, after reading them back: compared by digest, and
   * read whole only when opts.verify needs the bytes.
   */
  commit(): void {
    const { file, opts, tmp, target } = this;
    try {
      if (this.fd === null) throw new WriteFailure(file, "文件已关闭（already closed）");
      fs.fsyncSync(this.fd);
      fs.closeSync(this.fd);
      this.fd = null;
      if (opts.verify) {
        const back = new Uint8Array(fs.readFileSync(tmp));
        if (back.length !== this.size || crypto().createHash("sha256").update(back).digest("hex") !== this.hash.digest("hex")) throw new WriteFailure(file, READ_BACK);
        const problem = opts.verify(back);
        if (problem) throw new WriteFailure(file, problem);
      } else if (digestOf(tmp) !== this.hash.digest("hex")) throw new WriteFailure(file, READ_BACK);
      // Asked again now: a file may have been put there while we worked.
      const now = destination(file);
      if (now.target !== target) throw new WriteFailure(file, "写入期间该位置被改动（the destination changed during the write）");
      mayGo(file, now.exists, opts);
      if (now.exists) fs.renameSync(tmp, target);
      else {
        try {
          fs.linkSync(tmp, target);
          fs.unlinkSync(tmp);
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code ?? "";
          if (!NO_LINKS.has(code)) throw e;
          if (destination(file).exists) throw new WriteFailure(file, REASONS.EEXIST);
          fs.renameSync(tmp, target);
        }
      }
      syncFolder(path.dirname(target));
    } catch (e) {
      this.abort();
      if (e instanceof WriteFailure) throw e;
      throw new WriteFailure(file, reasonOf(e));
    }
  }

  abort(): void {
    if (this.fd !== null) {
      try {
        fs.closeSync(this.fd);
      } catch {
        /* closing is all that is left to do */
      }
      this.fd = null;
    }
    fs.rmSync(this.tmp, { force: true });
  }
}

const READ_BACK = "写入后读回的内容与应写内容不一致（read back differs）";

/** SHA-256 of a file, read in pieces. */
function digestOf(file: string): string {
  const h = crypto().createHash("sha256");
  const fd = fs.openSync(file, "r");
  try {
    const buf = Buffer.alloc(1 << 20);
    for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0; ) h.update(buf.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
  return h.digest("hex");
}

/** Writes `data` to `file` completely or not at all. Throws WriteFailure (nothing changed at `file`). */
export function writeAtomic(file: string, data: Uint8Array, opts: AtomicOptions = {}): void {
  const f = new AtomicFile(file, opts);
  f.write(data);
  f.commit();
}
