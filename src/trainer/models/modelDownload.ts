// A base given by URL is downloaded once (model.json and the shards it names, resolved against the URL)
// into a cache folder named by the URL's hash. Later runs read the cache and never touch the network.
import fs from 'node:fs';
import path from 'node:path';
import { formatBytes, LIMITS } from '../../shared/limits';
import { EngineError } from '../../shared/engineError';
import { fetchBounded } from '../io/boundedFetch';
import { DOWNLOAD_COMPLETE, downloadFolder } from '../../io/cacheFolders';
import { writeFileAtomic } from './modelFiles';
import { checkModelJson } from './modelJsonChecks';

// Overridable for slow links (and for tests of a host that never answers).
const TIMEOUT_MS = Number(process.env.TRANSFER_STUDIO_DOWNLOAD_TIMEOUT_MS ?? 30_000);
const TIMEOUT_SETTING = 'TRANSFER_STUDIO_DOWNLOAD_TIMEOUT_MS';

export async function downloadModel(url: string, cacheDir: string): Promise<string> {
  const dir = downloadFolder(cacheDir, url);
  const done = path.join(dir, DOWNLOAD_COMPLETE);
  if (fs.existsSync(done)) return dir;
  fs.mkdirSync(dir, { recursive: true });
  const jsonBytes = await fetchBytes(url, 'maxDownloadJsonBytes');
  let parsed: unknown;
  try {
    parsed = JSON.parse(jsonBytes.toString('utf8'));
  } catch {
    throw new EngineError(`${url} did not return a model.json (the response is not JSON).`);
  }
  if (!(parsed as { modelTopology?: unknown } | null)?.modelTopology)
    throw new EngineError(`${url} is not a TensorFlow.js LayersModel (no modelTopology).`);
  const json = checkModelJson(parsed, url);
  let total = 0;
  for (const p of json.weightsManifest.flatMap((g) => g.paths)) {
    if (p.includes('..') || path.isAbsolute(p))
      throw new EngineError(`${url} names a weights file outside its folder (${p}).`);
    const shard = await fetchBytes(new URL(p, url).toString(), 'maxDownloadShardBytes');
    total += shard.length;
    if (total > LIMITS.maxModelWeightBytes) {
      throw new EngineError(
        `Download of ${url} stopped: its weights pass the ${formatBytes(LIMITS.maxModelWeightBytes)} limit (maxModelWeightBytes).`,
      );
    }
    writeFileAtomic(path.join(dir, p), shard);
  }
  const metadataUrl = new URL('metadata.json', url).toString();
  const metadata = await fetchBytes(metadataUrl, 'maxDownloadJsonBytes').catch(() => undefined);
  if (metadata) writeFileAtomic(path.join(dir, 'metadata.json'), metadata);
  writeFileAtomic(path.join(dir, 'model.json'), jsonBytes);
  writeFileAtomic(done, url);
  return dir;
}

function fetchBytes(url: string, limit: 'maxDownloadJsonBytes' | 'maxDownloadShardBytes'): Promise<Buffer> {
  return fetchBounded(url, {
    maxBytes: LIMITS[limit],
    limitName: limit,
    timeoutMs: TIMEOUT_MS,
    timeoutSetting: TIMEOUT_SETTING,
  });
}
