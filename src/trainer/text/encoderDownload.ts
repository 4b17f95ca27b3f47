// `--base https://…/`: the user's ONNX sentence encoder given as a folder URL is downloaded once into the
// cache (a folder named by the URL's hash, complete when it holds DOWNLOAD_COMPLETE) and opened from there;
// later runs, predict and evaluate read the cache and never touch the network. Each file is bounded by its
// limit before its bytes are held (the declared length first, then the bytes as they arrive).
import fs from 'node:fs';
import path from 'node:path';
import { EngineError } from '../../shared/engineError';
import { LIMITS } from '../../shared/limits';
import { isEncoderUrl } from '../../shared/text/encoderMeta';
import { defaultCacheDir, DOWNLOAD_COMPLETE, downloadFolder } from '../../io/cacheFolders';
import { fetchBounded } from '../io/boundedFetch';
import { writeFileAtomic } from '../models/modelFiles';
import { MODEL_PLACES, openSentenceEncoder, type SentenceEncoder } from './sentenceEncoder';

const TIMEOUT_MS = Number(process.env.TRANSFER_STUDIO_DOWNLOAD_TIMEOUT_MS ?? 300_000);
const TIMEOUT_SETTING = 'TRANSFER_STUDIO_DOWNLOAD_TIMEOUT_MS';

/** Metadata a sentence-transformers folder may have (each optional); the pooling config is found after. */
const META_FILES = ['modules.json', 'sentence_bert_config.json', 'tokenizer_config.json'];

type Limit = 'maxEncoderModelBytes' | 'maxTokenizerJsonBytes' | 'maxJsonFileBytes';

/** The local folder of an encoder given by URL (downloaded now if the cache lacks it). */
export async function downloadEncoder(url: string, cacheDir: string): Promise<string> {
  const base = url.endsWith('/') ? url : `${url}/`;
  const dir = downloadFolder(cacheDir, base);
  if (fs.existsSync(path.join(dir, DOWNLOAD_COMPLETE))) return dir;
  const files = new Map<string, Buffer>();
  const get = (name: string, limit: Limit) => fetchFile(new URL(name, base).toString(), limit);
  for (const place of MODEL_PLACES) {
    const model = await optional(get(place, 'maxEncoderModelBytes'));
    if (model) {
      files.set(place, model);
      break;
    }
  }
  if (files.size === 0) throw new EngineError(`${base}: no ${MODEL_PLACES.join(' or ')} there (HTTP 404).`);
  files.set('tokenizer.json', await get('tokenizer.json', 'maxTokenizerJsonBytes'));
  for (const name of META_FILES) {
    const meta = await optional(get(name, 'maxJsonFileBytes'));
    if (meta) files.set(name, meta);
  }
  const pooling = `${poolingFolder(base, files.get('modules.json'))}/config.json`;
  const poolingConfig = await optional(get(pooling, 'maxJsonFileBytes'));
  if (poolingConfig) files.set(pooling, poolingConfig);
  // Written only once every file has arrived: a failed download leaves nothing behind.
  for (const [name, data] of files) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileAtomic(path.join(dir, name), data);
  }
  writeFileAtomic(path.join(dir, DOWNLOAD_COMPLETE), base);
  return dir;
}

/** A file the folder may lack: undefined on 404, any other failure stops the download. */
async function optional(download: Promise<Buffer>): Promise<Buffer | undefined> {
  try {
    return await download;
  } catch (e) {
    if (/HTTP 404/.test((e as Error).message)) return undefined;
    throw e;
  }
}

/** Where modules.json puts the pooling module (a relative folder name only), else sentence-transformers' default. */
function poolingFolder(base: string, modules: Buffer | undefined): string {
  if (!modules) return '1_Pooling';
  let list: unknown;
  try {
    list = JSON.parse(modules.toString('utf8'));
  } catch {
    throw new EngineError(`${base}modules.json is not JSON.`);
  }
  const found = Array.isArray(list)
    ? (list as { type?: string; path?: string }[]).find((m) => /Pooling$/.test(m.type ?? ''))?.path
    : undefined;
  return typeof found === 'string' && /^[\w.-]+$/.test(found) && found !== '..' ? found : '1_Pooling';
}

function fetchFile(url: string, limit: Limit): Promise<Buffer> {
  return fetchBounded(url, {
    maxBytes: LIMITS[limit],
    limitName: limit,
    timeoutMs: TIMEOUT_MS,
    timeoutSetting: TIMEOUT_SETTING,
  });
}

/** Opens the encoder of a folder or a folder URL; a URL stays the encoder's source (runs record it). */
export async function openEncoderAt(base: string, cacheDir: string | undefined): Promise<SentenceEncoder> {
  if (!isEncoderUrl(base)) return openSentenceEncoder(base);
  const encoder = await openSentenceEncoder(await downloadEncoder(base, cacheDir ?? defaultCacheDir()));
  return { ...encoder, source: base };
}
