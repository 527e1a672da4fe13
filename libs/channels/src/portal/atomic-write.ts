import { randomBytes } from 'crypto';
import { promises as fs } from 'fs';
import * as path from 'path';

/** Writes a file so readers see the old or the new content, never a half-written one (temp + rename). */
export async function writeFileAtomic(file: string, data: string | Buffer): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await fs.writeFile(tmp, data);
  } catch (e) {
    // the directory is created only when missing: one system call less per file in the usual case
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(tmp, data);
  }
  await fs.rename(tmp, file);
}
