// The images the peers and we work on: scikit-learn's 1,797 digits as small PNGs (the extraction job the
// issue timed), and three of its classes, 47 images each (the 141-image fine-tuning set).
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_BASE } from '../shared/recipeDefaults';
import { resolveBase } from '../trainer/models/baseResolver';
import { SKLEARN_DIGITS_CSV, writeSklearnDigits } from '../samples/sklearnDigits';
import { PEER_JOBS, type PeerData, type PeerJobName } from './peerFigures';

const FIXTURE = path.resolve(__dirname, '../test/fixtures/generated/sklearn-digits');
const FINE_TUNE_CLASSES = ['1', '7', '8'];
const PER_CLASS = 47;
/** Epochs of the second phase, as in the issue; TRANSFER_STUDIO_BENCH_EPOCHS shortens it on a busy machine. */
const EPOCHS = Number(process.env.TRANSFER_STUDIO_BENCH_EPOCHS ?? 9);

/** Finds or writes the digits (fixture folder, else Debian's csv if installed) and the fine-tuning subset. */
export async function peerData(root: string, cacheDir: string): Promise<PeerData> {
  let digits = FIXTURE;
  if (!fs.existsSync(digits)) {
    const csv = path.join('/', SKLEARN_DIGITS_CSV);
    if (!fs.existsSync(csv)) throw new Error(`Neither ${FIXTURE} nor ${csv} exists: run npm run fixtures first.`);
    digits = path.join(root, 'sklearn-digits');
    if (!fs.existsSync(digits)) await writeSklearnDigits(csv, digits);
  }
  const three = path.join(root, 'three-digits');
  fs.rmSync(three, { recursive: true, force: true });
  for (const c of FINE_TUNE_CLASSES) {
    fs.mkdirSync(path.join(three, c), { recursive: true });
    for (const f of fs.readdirSync(path.join(digits, c)).sort().slice(0, PER_CLASS))
      fs.copyFileSync(path.join(digits, c, f), path.join(three, c, f));
  }
  if (!Number.isInteger(EPOCHS) || EPOCHS < 1 || EPOCHS > 100)
    throw new Error(`TRANSFER_STUDIO_BENCH_EPOCHS=${EPOCHS}: expected 1 to 100.`);
  const model = (await resolveBase(DEFAULT_BASE, cacheDir)).modelJsonPath;
  const only = process.argv.includes('--peer-jobs') ? process.argv[process.argv.indexOf('--peer-jobs') + 1] : undefined;
  if (only !== undefined && !(PEER_JOBS as readonly string[]).includes(only))
    throw new Error(`--peer-jobs ${only}: expected one of ${PEER_JOBS.join(', ')}.`);
  const jobs = only ? [only as PeerJobName] : [...PEER_JOBS];
  return { digits, three, epochs: EPOCHS, cacheDir, model, jobs };
}
