// Memory bombs: inputs small on disk that a careless reader turns into gigabytes. Each runs the real CLI
// inside a memory cgroup (the kernel kills it at the limit, so a regression cannot take the machine down)
// and logs the peak resident memory of the whole process tree (CLI + trainer). Each must end with its own
// one-line message, or (for images that are merely large) finish within the limit.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '../../src/trainer/tf';
import { saveLayersModel } from '../../src/trainer/models/modelFiles';
import { tempDir } from '../helpers/fixtures';
import { tinySource } from '../helpers/cli';
import { cliIn, deepPng, hostileServer, interlacedPng, jsonResult } from '../helpers/hostileInputs';
import { cgroupUnavailable, mib, type Measured } from '../helpers/memoryLimit';
import { copyDigits, imageBase } from '../helpers/smallData';

const work = tempDir('bombs');
after(() => fs.rmSync(work, { recursive: true, force: true }));
const cli = cliIn(work);
const noCgroup = cgroupUnavailable();
/** Every bomb runs under this limit; TRANSFER_STUDIO_BOMB_LIMIT_MIB raises it to measure an older build once. */
const LIMIT = Number(process.env.TRANSFER_STUDIO_BOMB_LIMIT_MIB ?? 1024) * 2 ** 20;
/**
 * The interlaced images are legitimate: they must train, within a limit the old decoding (four to eight whole
 * images at once, 680 MiB charged to the cgroup) did not fit in; one or two at a time charge about 310 MiB.
 */
const LIMIT_WHOLE_DECODES = process.env.TRANSFER_STUDIO_BOMB_LIMIT_MIB ? LIMIT : 640 * 2 ** 20;
const SOURCE = [...tinySource(1), '--batch-size', '8', '--patience', '0', '--json'];

function report(name: string, m: Measured, limit = LIMIT): void {
  console.log(
    `bomb ${name}: exit ${m.code ?? m.signal}, peak RSS of the process tree ${mib(m.peakRss)}` +
      `${m.cgroupPeak ? `, cgroup peak ${mib(m.cgroupPeak)}` : ''} (limit ${mib(limit)})`,
  );
}

function message(m: Measured): string {
  return jsonResult(m.stdout)?.message ?? m.stderr.trim();
}

before(async () => {
  if (noCgroup) return;
  await tf.setBackend('cpu');
});

test(
  'interlaced PNGs just under the pixel limit are decoded a few at a time: training finishes within the memory limit',
  { skip: noCgroup },
  async () => {
    const data = copyDigits(path.join(work, 'interlaced'), ['0', '1'], 8);
    const one = await interlacedPng(path.join(work, 'interlaced-7000.png'), 7000);
    fs.mkdirSync(path.join(data, 'big'));
    // Hard links: eight 49-megapixel RGBA images (196 MB each decoded) from one small file.
    for (let i = 0; i < 8; i++) fs.linkSync(one, path.join(data, 'big', `${i}.png`));
    const m = await cli.measured(
      ['train', data, ...SOURCE, '--name', 'interlaced', '--out', 'runs'],
      LIMIT_WHOLE_DECODES,
    );
    report(`8 interlaced 7000×7000 RGBA PNGs (${fs.statSync(one).size} bytes each on disk)`, m, LIMIT_WHOLE_DECODES);
    assert.equal(m.code, 0, message(m));
    const result = jsonResult<{ classes: string[]; skipped: unknown[] }>(m.stdout)!.result!;
    assert.deepEqual(result.classes, ['0', '1', 'big']);
    assert.deepEqual(result.skipped, []);
  },
);

test(
  'a 16-bit RGBA PNG whose decoded bytes pass the per-image limit is skipped with the limit named',
  { skip: noCgroup },
  async () => {
    const data = copyDigits(path.join(work, 'deep'), ['0', '1'], 4);
    await deepPng(path.join(data, '0', 'deep.png'), 6000);
    const m = await cli.measured(['scan', data, '--json'], LIMIT);
    report('scan of a 6000×6000 16-bit RGBA PNG', m);
    assert.equal(m.code, 0, message(m));
    const scan = jsonResult<{ skipped: { path: string; reason: string }[] }>(m.stdout)!.result!;
    assert.deepEqual(
      scan.skipped.map((s) => [path.basename(s.path), s.reason]),
      [['deep.png', 'image too large (6000×6000, 274.7 MiB decoded, limit 256 MiB per image)']],
    );
  },
);

test(
  'a 400-byte model.json declaring a 1.6 GB layer is refused before the layer is built',
  { skip: noCgroup },
  async () => {
    const file = path.join(work, 'huge-layer', 'model.json');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const topology = {
      class_name: 'Sequential',
      config: {
        name: 'huge',
        layers: [
          {
            class_name: 'Dense',
            config: { name: 'wide', units: 20_000, batch_input_shape: [null, 20_000], use_bias: false },
          },
        ],
      },
    };
    fs.writeFileSync(file, JSON.stringify({ modelTopology: topology, weightsManifest: [{ paths: [], weights: [] }] }));
    const m = await cli.measured(['layers', file, '--json'], LIMIT);
    report(`model.json of ${fs.statSync(file).size} bytes declaring a 20000×20000 Dense kernel`, m);
    assert.equal(m.code, 1);
    assert.match(
      message(m),
      /huge-layer\/model\.json: layer wide declares a weight "kernel" of shape \[20000, 20000\] \(1\.5 GiB\), larger than its weights manifest holds/,
    );
  },
);

test(
  'a base with a 6000×6000 fixed input, or a batch over the byte limit, is refused before any image is decoded',
  { skip: noCgroup },
  async () => {
    const data = copyDigits(path.join(work, 'for-bases'), ['0', '1'], 6);
    await saveLayersModel(imageBase([6000, 6000, 3], 2), path.join(work, 'base-6000'));
    const m = await cli.measured(
      ['train', data, '--base', path.join(work, 'base-6000'), '--epochs', '1', '--out', 'runs-6000', '--json'],
      LIMIT,
    );
    report('base with a fixed 6000×6000 input', m);
    assert.equal(m.code, 1);
    assert.match(
      message(m),
      /base-6000 takes 6000×6000 images; the input size limit is 4096×4096 pixels \(maxInputSide\)\.$/,
    );
    assert.deepEqual(fs.readdirSync(path.join(work, 'runs-6000')), [], 'no run folder is left behind');

    await saveLayersModel(imageBase([2048, 2048, 3], 2), path.join(work, 'base-2048'));
    const batch = await cli.measured(
      [
        'train',
        data,
        '--base',
        path.join(work, 'base-2048'),
        '--batch-size',
        '32',
        '--epochs',
        '1',
        '--out',
        'runs-2048',
        '--json',
      ],
      LIMIT,
    );
    report('base with a 2048×2048 input at batch 32', batch);
    assert.equal(batch.code, 1);
    assert.match(
      message(batch),
      /^A batch of 32 images at 2048×2048×3 for .* needs 1536 MiB, over the 256 MiB limit per batch \(maxBatchInputBytes\); use a smaller batch size or input size\.$/,
    );
  },
);

test(
  'a run.json whose input size was edited to 20000×20000 is refused by predict, naming the file and the limit',
  { skip: noCgroup },
  async () => {
    const data = copyDigits(path.join(work, 'edited'), ['0', '1'], 6);
    const trained = await cli.run(['train', data, ...SOURCE, '--out', 'runs-edited']);
    assert.equal(trained.code, 0, trained.stderr);
    const runDir = jsonResult<{ runDir: string }>(trained.stdout)!.result!.runDir;
    const runJson = path.join(runDir, 'run.json');
    const info = JSON.parse(fs.readFileSync(runJson, 'utf8')) as { input: { size: number[] } };
    info.input.size = [20_000, 20_000];
    fs.writeFileSync(runJson, JSON.stringify(info));
    const image = path.join(data, '0', fs.readdirSync(path.join(data, '0'))[0]);
    const m = await cli.measured(['predict', runDir, image, '--json'], LIMIT);
    report('run.json input edited to 20000×20000', m);
    assert.equal(m.code, 1);
    assert.equal(
      message(m),
      `${runJson} is damaged: input.size must be [height, width] with whole numbers from 1 to 4096 (limit maxInputSide), not [20000,20000].`,
    );
  },
);

test(
  'a chunked download without Content-Length stops at the limit, naming the limit and the URL',
  { skip: noCgroup },
  async () => {
    const server = await hostileServer();
    try {
      const url = `${server.url}/endless/model.json`;
      const m = await cli.measured(['layers', url, '--json'], LIMIT, { TRANSFER_STUDIO_DOWNLOAD_TIMEOUT_MS: '120000' });
      report(`endless chunked model.json (${mib(server.sent())} sent before the client left)`, m);
      assert.equal(m.code, 1);
      assert.equal(
        message(m),
        `Download of ${url} stopped: more than 64 MiB arrived, over the 64 MiB limit (maxDownloadJsonBytes).`,
      );
    } finally {
      await server.close();
    }
  },
);
