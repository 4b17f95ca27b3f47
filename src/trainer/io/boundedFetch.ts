// Downloads with a byte limit counted as the body arrives (a chunked response has no Content-Length to
// check) and a time limit over the whole download, headers and body. Each failure is one line that names
// the URL and the limit.
import { formatBytes } from '../../shared/limits';
import { EngineError } from '../../shared/engineError';

export interface FetchLimits {
  maxBytes: number;
  /** Name of the limit for the message, e.g. "maxDownloadShardBytes". */
  limitName: string;
  timeoutMs: number;
  /** How the user changes the timeout, for the message. */
  timeoutSetting?: string;
}

export async function fetchBounded(url: string, limits: FetchLimits): Promise<Buffer> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, limits.timeoutMs);
  const tooLarge = (got: string) =>
    new EngineError(
      `Download of ${url} stopped: ${got}, over the ${formatBytes(limits.maxBytes)} limit (${limits.limitName}).`,
    );
  try {
    const response = await fetch(url, { signal: controller.signal, redirect: 'follow' });
    if (!response.ok) throw new EngineError(`Could not download ${url}: HTTP ${response.status}.`);
    const declared = Number(response.headers.get('content-length') ?? NaN);
    if (declared > limits.maxBytes) {
      controller.abort();
      throw tooLarge(`it declares ${formatBytes(declared)}`);
    }
    const chunks: Buffer[] = [];
    let total = 0;
    const reader = response.body?.getReader();
    for (;;) {
      const next = await reader?.read();
      if (!next || next.done) break;
      total += next.value.byteLength;
      if (total > limits.maxBytes) {
        controller.abort();
        throw tooLarge(`more than ${formatBytes(limits.maxBytes)} arrived`);
      }
      chunks.push(Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength));
    }
    return Buffer.concat(chunks, total);
  } catch (e) {
    if (e instanceof EngineError) throw e;
    if (timedOut) {
      const how = limits.timeoutSetting ? `; set ${limits.timeoutSetting} for slow links` : '';
      throw new EngineError(`Download of ${url} timed out after ${limits.timeoutMs / 1000} s${how}.`);
    }
    const cause = e instanceof Error ? ((e.cause as Error | undefined)?.message ?? e.message) : String(e);
    throw new EngineError(`Could not download ${url}: ${cause.split('\n')[0]}.`);
  } finally {
    clearTimeout(timer);
  }
}
