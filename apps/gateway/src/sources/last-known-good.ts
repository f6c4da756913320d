import { mkdir, open, readFile, rename } from "node:fs/promises";
import { join } from "node:path";
import { configSourceSchema } from "@switchyard/contracts";
import { z } from "zod";

const lastKnownGoodSchema = z.object({
  savedAt: z.string(),
  source: configSourceSchema,
  revision: z
    .object({ number: z.number().int().positive(), groupId: z.string(), createdAt: z.string() })
    .nullable(),
  config: z.unknown(),
});
export type LastKnownGood = z.infer<typeof lastKnownGoodSchema>;

const FILE_NAME = "last-known-good.json";

/**
 * The last revision this agent applied, on disk, so that a restart while the control plane is down
 * still serves traffic. Written atomically: a temporary file is written and fsynced, then renamed over
 * the old one, so a crash leaves either the old or the new revision and never half of one.
 */
export class LastKnownGoodStore {
  readonly path: string;
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly stateDir: string) {
    this.path = join(stateDir, FILE_NAME);
  }

  /** Returns null when there is no usable file; a damaged one is reported through `onInvalid`. */
  async load(onInvalid: (reason: string) => void): Promise<LastKnownGood | null> {
    let text: string;
    try {
      text = await readFile(this.path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
      onInvalid(`cannot read ${this.path}: ${(error as Error).message}`);
      return null;
    }
    try {
      const parsed = lastKnownGoodSchema.safeParse(JSON.parse(text));
      if (parsed.success) return parsed.data;
      onInvalid(`${this.path} is not a last-known-good record`);
    } catch (error) {
      onInvalid(`${this.path} is not valid JSON: ${(error as Error).message}`);
    }
    return null;
  }

  /** Saves are serialised so an older revision can never overwrite a newer one. */
  save(entry: LastKnownGood): Promise<void> {
    const next = this.writing.then(() => this.write(entry));
    this.writing = next.catch(() => undefined);
    return next;
  }

  private async write(entry: LastKnownGood): Promise<void> {
    await mkdir(this.stateDir, { recursive: true });
    const temporary = `${this.path}.${process.pid}.tmp`;
    const file = await open(temporary, "w", 0o600);
    try {
      await file.writeFile(JSON.stringify(entry));
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, this.path);
    const directory = await open(this.stateDir, "r");
    try {
      await directory.sync();
    } finally {
      await directory.close();
    }
  }
}
