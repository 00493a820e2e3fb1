import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { CurationError } from '../errors.ts';
import { assertInside, readSafeFile } from './safe-file.ts';

/** One entry of a folder of a file tree. */
export interface FileTreeEntry {
  name: string;
  /** A real folder (a link to a folder is not one). */
  folder: boolean;
}

/**
 * The files a directory or legacy-package source reads, behind one interface, so sources run in tests without a
 * disk (`MemoryFileTree`) and every local read goes through the same safety checks (`LocalFileTree`). Paths are
 * relative to the tree's root, with '/' separators ('' is the root).
 */
export interface FileTree {
  /** What the tree is, for messages ("/data/articles"). */
  readonly root: string;
  /** The entries of a folder, sorted by name; throws when the folder does not exist. */
  list(folder: string): Promise<FileTreeEntry[]>;
  /** Last modification time of an entry. */
  modified(entry: string): Promise<Date>;
  /** A regular file inside the tree, at most `maxBytes` long (UnsafeFile / FileTooLarge otherwise). */
  read(file: string, options: { maxBytes: number; subject?: string }): Promise<Uint8Array>;
}

/** A folder on the local disk. Only regular files inside the root are read: links out, FIFOs and devices are refused. */
export class LocalFileTree implements FileTree {
  constructor(readonly root: string) {}

  private resolve(relative: string): string {
    return path.join(this.root, ...relative.split('/').filter(Boolean));
  }

  async list(folder: string): Promise<FileTreeEntry[]> {
    const location = this.resolve(folder);
    if (folder) await assertInside(this.root, location);
    const entries = await readdir(location, { withFileTypes: true });
    return entries.map((entry) => ({ name: entry.name, folder: entry.isDirectory() })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async modified(entry: string): Promise<Date> {
    return (await stat(this.resolve(entry))).mtime;
  }

  read(file: string, options: { maxBytes: number; subject?: string }): Promise<Uint8Array> {
    return readSafeFile(this.resolve(file), { root: this.root, maxBytes: options.maxBytes, ...(options.subject ? { subject: options.subject } : {}) });
  }
}

/** Files held in memory (tests, and sources built from bytes already at hand). */
export class MemoryFileTree implements FileTree {
  private readonly files = new Map<string, { bytes: Uint8Array; modified: Date }>();

  constructor(
    readonly root = 'memory:',
    files: Record<string, Uint8Array | string> = {},
  ) {
    for (const [name, content] of Object.entries(files)) this.put(name, content);
  }

  put(name: string, content: Uint8Array | string, modified = new Date(0)): void {
    this.files.set(name, { bytes: typeof content === 'string' ? new TextEncoder().encode(content) : content, modified });
  }

  async list(folder: string): Promise<FileTreeEntry[]> {
    const prefix = folder ? `${folder}/` : '';
    const entries = new Map<string, boolean>();
    for (const name of this.files.keys()) {
      if (!name.startsWith(prefix)) continue;
      const [head, ...rest] = name.slice(prefix.length).split('/');
      if (head) entries.set(head, (entries.get(head) ?? false) || rest.length > 0);
    }
    if (folder && entries.size === 0) throw Object.assign(new Error(`${folder} does not exist`), { code: 'ENOENT' });
    return [...entries].map(([name, isFolder]) => ({ name, folder: isFolder })).sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  async modified(entry: string): Promise<Date> {
    const times = [...this.files].filter(([name]) => name === entry || name.startsWith(`${entry}/`)).map(([, file]) => file.modified.getTime());
    if (times.length === 0) throw Object.assign(new Error(`${entry} does not exist`), { code: 'ENOENT' });
    return new Date(Math.max(...times));
  }

  async read(file: string, options: { maxBytes: number; subject?: string }): Promise<Uint8Array> {
    const found = this.files.get(file);
    const subject = options.subject ? { subject: options.subject } : {};
    if (!found) throw new CurationError('ArticleNotFound', `${this.root}/${file} does not exist`, subject);
    if (found.bytes.byteLength > options.maxBytes) {
      throw new CurationError('FileTooLarge', `${this.root}/${file} is ${found.bytes.byteLength} bytes, over the ${options.maxBytes}-byte limit`, subject);
    }
    return found.bytes;
  }
}
