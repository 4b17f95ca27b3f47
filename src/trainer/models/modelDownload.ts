// A base given by URL is downloaded once (model.json and the shards it names, resolved against the URL)
// into a cache folder named by the URL's hash. Later runs read the cache and never touch the network.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { EngineError } from '../../shared/engineError';
import { writeFileAtomic } from './modelFiles';

// Overridable for slow links (and for tests of a host that never answers).
const TIMEOUT_MS = Number(process.env.TRANSFER_STUDIO_DOWNLOAD_TIMEOUT_MS ?? 30_000);
const MAX_BYTES = 512 * 1024 * 1024;

export async function downloadModel(url: string, cacheRoot: string): Promise<string> {
  const dir = path.join(cacheRoot, createHash('sha256').update(url).digest('hex').slice(0, 16));
  const done = path.join(dir, '.complete');
  if (fs.existsSync(done)) return dir;
  fs.mkdirSync(dir, { recursive: true });
  const jsonBytes = await fetchBytes(url);
  let json: { modelTopology?: unknown; weightsManifest?: { paths: string[] }[] };
  try {
    json = JSON.parse(jsonBytes.toString('utf8')) as typeof json;
  } catch {
    throw new EngineError(`${url} did not return a model.json (the response is not JSON).`);
  }
  if (!json.modelTopology) throw new EngineError(`${url} is not a TensorFlow.js LayersModel (no modelTopology).`);
  for (const p of json.weightsManifest?.flatMap((g) => g.paths) ?? []) {
    if (p.includes('..') || path.isAbsolute(p)) throw new EngineError(`${url} names a weights file outside its folder (${p}).`);
    writeFileAtomic(path.join(dir, p), await fetchBytes(new URL(p, url).toString()));
  }
  const metadataUrl = new URL('metadata.json', url).toString();
  const metadata = await fetchBytes(metadataUrl).catch(() => undefined);
  if (metadata) writeFileAtomic(path.join(dir, 'metadata.json'), metadata);
  writeFileAtomic(path.join(dir, 'model.json'), jsonBytes);
  writeFileAtomic(done, url);
  return dir;
}

async function fetchBytes(url: string): Promise<Buffer> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'follow' });
  } catch (e) {
    const timedOut = e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError');
    throw new EngineError(timedOut ? `Download of ${url} timed out after ${TIMEOUT_MS / 1000} s.` : `Could not download ${url}: ${e instanceof Error ? (e.cause as Error | undefined)?.message ?? e.message : String(e)}.`);
  }
  if (!response.ok) throw new EngineError(`Could not download ${url}: HTTP ${response.status}.`);
  const length = Number(response.headers.get('content-length') ?? 0);
  if (length > MAX_BYTES) throw new EngineError(`${url} is ${length} bytes, over the ${MAX_BYTES / 2 ** 20} MiB limit for a model file.`);
  return Buffer.from(await response.arrayBuffer());
}
