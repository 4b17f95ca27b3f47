// A file's content hash: names its cached features, so a renamed file stays cached and a changed one does not.
import { createHash } from 'node:crypto';
import fs from 'node:fs';

export async function contentHash(file: string): Promise<string> {
  // Streamed: an image file's size is not bounded by its pixel count (a JPEG may carry any tail), and 16 run at once.
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex').slice(0, 32);
}
