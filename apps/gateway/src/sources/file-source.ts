import { createHash } from "node:crypto";
import { watch, type FSWatcher } from "node:fs";
import { readFile } from "node:fs/promises";
import { basename, dirname } from "node:path";
import { type ConfigIssue } from "@switchyard/contracts";
import { type Logger } from "../log";
import { parseConfigDocument } from "./config-document";

export type FileReadResult =
  | { kind: "document"; value: unknown; digest: string }
  | { kind: "unreadable"; issues: ConfigIssue[]; digest: string | null };

/**
 * The local-file config source. The file's directory is watched (so editors and tools that replace
 * the file by renaming a new one over it are seen), changes are debounced, and a document whose
 * bytes did not change is not applied again.
 */
export class FileConfigSource {
  private watcher: FSWatcher | null = null;
  private debounce: NodeJS.Timeout | null = null;
  private lastDigest: string | null = null;
  private reading: Promise<void> = Promise.resolve();

  constructor(
    readonly path: string,
    private readonly onChange: (result: FileReadResult) => void,
    private readonly log: Logger,
    private readonly debounceMs = 100,
  ) {}

  async read(): Promise<FileReadResult> {
    let text: string;
    try {
      text = await readFile(this.path, "utf8");
    } catch (error) {
      return {
        kind: "unreadable",
        digest: null,
        issues: [{ path: "(root)", message: `cannot read ${this.path}: ${(error as Error).message}` }],
      };
    }
    const digest = createHash("sha256").update(text).digest("hex");
    const parsed = parseConfigDocument(text, this.path);
    if (!parsed.ok)
      return { kind: "unreadable", digest, issues: [{ path: "(root)", message: parsed.message }] };
    return { kind: "document", value: parsed.value, digest };
  }

  /** Reads the file now and then on every change; `onChange` gets each new version. */
  async start(): Promise<FileReadResult> {
    const first = await this.read();
    this.lastDigest = first.digest;
    this.watcher = watch(dirname(this.path), (_event, fileName) => {
      if (fileName !== null && fileName !== basename(this.path)) return;
      if (this.debounce !== null) clearTimeout(this.debounce);
      this.debounce = setTimeout(() => {
        this.debounce = null;
        this.reading = this.reading.then(() => this.reload());
      }, this.debounceMs);
    });
    this.watcher.on("error", (error) =>
      this.log("error", "config file watch failed", { path: this.path, error: error.message }),
    );
    return first;
  }

  async stop(): Promise<void> {
    this.watcher?.close();
    this.watcher = null;
    if (this.debounce !== null) clearTimeout(this.debounce);
    await this.reading;
  }

  private async reload(): Promise<void> {
    if (this.watcher === null) return;
    const result = await this.read();
    // A file that vanished for a moment (rename-over in progress) is not news; the next event is.
    if (result.kind === "unreadable" && result.digest === null) return;
    if (result.digest === this.lastDigest) return;
    this.lastDigest = result.digest;
    this.onChange(result);
  }
}
