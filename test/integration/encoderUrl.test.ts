// `--base https://…/` for text: the user's ONNX sentence encoder served by a local HTTP server (no network)
// is downloaded once into the cache and gives the vectors the same folder gives on disk; a file over its
// limit is refused from its declared length, before its bytes are held, and a folder without a model is one
// line naming the URL.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { makeRandomEncoder, TINY_ENCODER_SHAPE } from '../../src/bench/text/randomEncoder';
import { LIMITS } from '../../src/shared/limits';
import { downloadEncoder, openEncoderAt } from '../../src/trainer/text/encoderDownload';
import { openSentenceEncoder } from '../../src/trainer/text/sentenceEncoder';
import { fixture, ROOT, tempDir } from '../helpers/fixtures';
import { skipWithoutPython, testPython } from '../helpers/python';

const skip = skipWithoutPython();
const work = tempDir('encoder-url');
let encoderDir = '';
let server: http.Server;
let base = '';
/** Paths the server was asked for, in order. */
const asked: string[] = [];

before(async () => {
  if (skip) return;
  encoderDir = makeRandomEncoder(testPython()!, ROOT, fixture('text-encoders/tiny'), TINY_ENCODER_SHAPE, work);
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    asked.push(url.pathname);
    if (url.pathname.startsWith('/huge/')) {
      // Declares more than the model limit and sends nothing: the download must stop at the header.
      res.writeHead(200, { 'content-length': String(LIMITS.maxEncoderModelBytes + 1) });
      res.flushHeaders();
      return;
    }
    const file = path.join(encoderDir, decodeURIComponent(url.pathname.replace(/^\/(enc|empty)\//, '')));
    const served = url.pathname.startsWith('/enc/') && fs.statSync(file, { throwIfNoEntry: false })?.isFile();
    if (!served) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-length': String(fs.statSync(file).size) });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  fs.rmSync(work, { recursive: true, force: true });
});

test('an encoder URL is downloaded once into the cache and encodes as the folder does', { skip }, async () => {
  const cache = path.join(work, 'cache');
  const url = `${base}/enc/`;
  const dir = await downloadEncoder(url, cache);
  assert.ok(dir.startsWith(cache));
  for (const name of ['onnx/model.onnx', 'tokenizer.json', 'modules.json', '1_Pooling/config.json']) {
    assert.deepEqual(fs.readFileSync(path.join(dir, name)), fs.readFileSync(path.join(encoderDir, name)), name);
  }
  const before = asked.length;
  const fromUrl = await openEncoderAt(url, cache);
  const fromFolder = await openSentenceEncoder(encoderDir);
  try {
    assert.equal(asked.length, before, 'the second open reads the cache only');
    assert.equal(fromUrl.source, url, 'a run records the URL');
    assert.equal(fromUrl.key, fromFolder.key);
    const texts = ['The budget passed the Senate', 'getUserName failed again'];
    assert.deepEqual(await fromUrl.encode(texts), await fromFolder.encode(texts));
  } finally {
    await fromUrl.dispose();
    await fromFolder.dispose();
  }
});

test(
  'a file over its limit stops at its declared length; a folder without a model names the URL',
  { skip },
  async () => {
    const cache = path.join(work, 'cache-bad');
    await assert.rejects(downloadEncoder(`${base}/huge/`, cache), (e: Error) => {
      assert.match(e.message, /huge\/model\.onnx/);
      assert.match(e.message, /maxEncoderModelBytes/);
      assert.ok(!e.message.includes('\n'), 'one line');
      return true;
    });
    await assert.rejects(downloadEncoder(`${base}/empty`, cache), (e: Error) => {
      assert.match(e.message, new RegExp(`${base}/empty/: no model\\.onnx or onnx/model\\.onnx`));
      return true;
    });
    assert.ok(!fs.existsSync(cache), 'a failed download writes nothing');
  },
);
