// What the duplicate check compares besides features: a digest of each file's bytes and a perceptual hash
// of its pixels (decoded by the same decoder as training, at 32×32 gray).
import type { Fingerprint } from '../../shared/duplicates';
import { HASH_SIDE, perceptualHash } from '../../shared/perceptualHash';
import { mapLimited } from '../../shared/mapLimited';
import { decodeToPixels } from '../data/imageDecoder';
import { contentHash } from '../io/contentHash';

/** One fingerprint per file, in order; a file that does not decode gets no perceptual hash. */
export function fingerprints(files: readonly string[]): Promise<Fingerprint[]> {
  return mapLimited(files, 8, async (file) => {
    const sha = await contentHash(file);
    const gray = await decodeToPixels(file, { size: [HASH_SIDE, HASH_SIDE], channels: 1, scale: 'raw' }).catch(
      () => undefined,
    );
    return gray ? { sha, hash: perceptualHash(gray), thumbnail: new Uint8Array(gray) } : { sha };
  });
}
