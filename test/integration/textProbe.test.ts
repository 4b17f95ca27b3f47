// Compare Bases on text: GloVe and lexical scored on the same held-out texts of a real set (SpamAssassin bodies),
// with Wilson intervals and the paired recommendation of probeRules.ts; and the CLI's table for it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { spamAssassinBodies } from '../../src/samples/textSets';
import { probeText } from '../../src/trainer/text/textProbe';
import { formatProbe } from '../../src/cli/format';
import { tempDir } from '../helpers/fixtures';

const work = tempDir('text-probe');
after(() => fs.rmSync(work, { recursive: true, force: true }));

test('probe on texts scores glove and lexical on the same held-out texts and recommends one', () => {
  const mails = spamAssassinBodies().filter((m) => m.text.length > 200);
  const pick = (label: string) =>
    mails
      .filter((m) => m.label === label)
      .slice(0, 40)
      .map((m) => JSON.stringify({ text: m.text.slice(0, 2000), label }));
  const data = path.join(work, 'mail.jsonl');
  fs.writeFileSync(data, [...pick('ham'), ...pick('spam')].join('\n'));
  const result = probeText({ source: data, columns: {}, seed: 3, validationSplit: 0.3 });
  assert.deepEqual(
    result.rows.map((r) => r.base),
    ['glove', 'lexical'],
  );
  assert.deepEqual(result.classes, ['ham', 'spam']);
  // Exact duplicates (mailing-list bodies) are dropped before the split.
  const used = result.split.train + result.split.validation;
  assert.ok(used > 60 && used <= 80, `${used} texts`);
  for (const row of result.rows) {
    assert.equal(row.correct.length, result.split.validation);
    assert.equal(row.validationImages, result.split.validation);
    assert.equal(row.accuracy, row.correct.filter(Boolean).length / row.correct.length);
    assert.ok(row.interval[0] <= row.accuracy && row.accuracy <= row.interval[1]);
    // Spam against ham is far from a coin toss for either base.
    assert.ok(row.accuracy > 0.7, `${row.base}: ${row.accuracy}`);
    assert.ok(row.secondsPerImage > 0 && row.params > 0);
  }
  assert.ok(result.recommended === 'glove' || result.recommended === 'lexical');
  const printed = formatProbe(result);
  assert.match(printed, /Linear probe on \d+ training texts/);
  assert.doesNotMatch(printed, /images|Cut:/);
});
