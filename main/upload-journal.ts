import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';

/**
 * Uploads not yet finished, kept as JSON in the user data folder so a sign-out, quit or crash
 * mid-upload does not lose them without a word: after the next start (and sign-in to the same
 * profile) each is listed as interrupted, with Retry. It holds where the file is, its name and
 * folder in the vault and how far it got: no token, no key, no file content.
 */
const UploadRecordSchema = z.object({
  id: z.string(),
  batchId: z.string(),
  profileId: z.string(),
  path: z.string(),
  name: z.string(),
  context: z.string(),
  total: z.number(),
  /** Queued or running when written; a record found in those states on start was cut off by a crash. */
  state: z.enum(['queued', 'running', 'interrupted']),
  renamedFrom: z.string().nullable(),
});
export type UploadRecord = z.infer<typeof UploadRecordSchema>;

const Journal = z.object({ version: z.literal(1), uploads: z.array(UploadRecordSchema) });

export class UploadJournal {
  private records = new Map<string, UploadRecord>();
  private writing: Promise<void> = Promise.resolve();
  private dirty = false;

  private constructor(private readonly file: string) {}

  static async open(file: string): Promise<UploadJournal> {
    const journal = new UploadJournal(file);
    try {
      const parsed = Journal.safeParse(JSON.parse(await readFile(file, 'utf8')));
      // A damaged journal is dropped: the worst case is a stopped upload nobody offers again.
      if (parsed.success) for (const r of parsed.data.uploads) journal.records.set(r.id, r);
    } catch {
      // No journal yet.
    }
    return journal;
  }

  /** The uploads of a profile that did not finish, as interrupted ones (whatever their last state). */
  interrupted(profileId: string): UploadRecord[] {
    return [...this.records.values()]
      .filter((record) => record.profileId === profileId)
      .map((record) => ({ ...record, state: 'interrupted' as const }));
  }

  put(record: UploadRecord): void {
    this.records.set(record.id, record);
    this.save();
  }

  /** Sets the state of a known record; nothing for an unknown one. */
  mark(id: string, state: UploadRecord['state']): void {
    const record = this.records.get(id);
    if (!record || record.state === state) return;
    this.records.set(id, { ...record, state });
    this.save();
  }

  remove(id: string): void {
    if (this.records.delete(id)) this.save();
  }

  /** Resolves once everything recorded so far is on disk. */
  async flush(): Promise<void> {
    while (this.dirty) await this.writing;
    await this.writing;
  }

  /** Writes the latest state, one write at a time; a burst of changes costs one write more. */
  private save(): void {
    if (this.dirty) return;
    this.dirty = true;
    this.writing = this.writing.then(async () => {
      this.dirty = false;
      const body = JSON.stringify({ version: 1, uploads: [...this.records.values()] }, null, 2);
      try {
        await mkdir(dirname(this.file), { recursive: true, mode: 0o700 });
        const temp = `${this.file}.${process.pid}.tmp`;
        await writeFile(temp, body, { mode: 0o600 });
        await rename(temp, this.file);
      } catch {
        // A journal that cannot be written only loses the after-restart notice; uploads go on.
      }
    });
  }
}
