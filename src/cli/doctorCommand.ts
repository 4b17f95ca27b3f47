// `transfer-studio doctor <folder>`: the data doctor's ranked findings as tables (or the report as JSON with
// --json; its schema is in the README), ending with one summary line.
import path from 'node:path';
import type { DoctorFinding, DoctorReport } from '../shared/doctorTypes';
import { DEFAULT_BASE, DEFAULT_SEED } from '../shared/recipeDefaults';
import * as P from '../shared/trainerProtocol';
import { CliError } from './cliError';
import type { CommandContext } from './commandSpec';
import { EXIT } from './exitCodes';
import { table } from './format';

/** Findings of each kind shown as text unless --top says otherwise (JSON has them all). */
export const DOCTOR_TOP = 20;

export async function runDoctor(ctx: CommandContext): Promise<number> {
  const option = (name: string) => (typeof ctx.options[name] === 'string' ? (ctx.options[name] as string) : undefined);
  const top = Number(option('top') ?? DOCTOR_TOP);
  if (!Number.isInteger(top) || top < 0)
    throw new CliError(`--top must be a whole number ≥ 0, not ${option('top')}.`, EXIT.usage);
  const seed = Number(option('seed') ?? DEFAULT_SEED);
  if (!Number.isInteger(seed)) throw new CliError(`--seed must be a whole number, not ${option('seed')}.`, EXIT.usage);
  const report = await ctx
    .client()
    .sendRequest(
      P.doctor,
      { folder: path.resolve(ctx.args[0]), base: option('base') ?? DEFAULT_BASE, cacheDir: ctx.cacheDir, seed },
      ctx.token,
    );
  ctx.view.result(report, formatDoctor(report, top));
  return EXIT.ok;
}

const SECTIONS: { kinds: DoctorFinding['kind'][]; title: string }[] = [
  { kinds: ['label'], title: 'Label issues (move to the likely class, or keep)' },
  { kinds: ['duplicate', 'near-duplicate'], title: 'Duplicates (delete the copy, or review when classes differ)' },
  { kinds: ['outlier'], title: 'Outliers (review: not like the rest of the set)' },
];

export function formatDoctor(report: DoctorReport, top = DOCTOR_TOP): string {
  const rel = (p: string) => path.relative(report.folder, p);
  const parts: string[] = [];
  for (const section of SECTIONS) {
    const found = report.findings.filter((f) => section.kinds.includes(f.kind));
    if (found.length === 0 || top === 0) continue;
    const rows = found.slice(0, top).map((f) => [rel(f.path), f.score.toFixed(3), suggestion(f, rel)]);
    const more = found.length > top ? `\n… and ${found.length - top} more (--top ${found.length} or --json)` : '';
    parts.push(`${section.title}:\n${table(['file', 'score', 'suggested action'], rows)}${more}`);
  }
  if (report.confusedPairs.length)
    parts.push(
      `Classes the probe mixes up:\n${report.confusedPairs
        .map(
          (p) => `  ${p.classes.join(' ↔ ')}: ${p.count} images (${(100 * p.share).toFixed(0)}% of the smaller class)`,
        )
        .join('\n')}`,
    );
  if (report.notes.length) parts.push(report.notes.map((n) => `note: ${n}`).join('\n'));
  parts.push(summaryLine(report));
  return parts.join('\n\n');
}

function suggestion(f: DoctorFinding, rel: (p: string) => string): string {
  if (f.kind === 'label') return `move ${f.label} → ${f.suggestedClass}`;
  if (f.kind === 'outlier') return 'review';
  const of = f.duplicateOf ? rel(f.duplicateOf) : '?';
  return `${f.action === 'delete' ? 'delete' : 'review'}: ${f.kind === 'duplicate' ? 'same bytes as' : 'like'} ${of}`;
}

export function summaryLine(report: DoctorReport): string {
  const s = report.summary;
  const share = s.examples ? ` (${((100 * s.flagged) / s.examples).toFixed(1)}%)` : '';
  return (
    `${s.examples} images checked with ${report.base}: ${s.label} label issues, ${s.duplicate} duplicates, ` +
    `${s.nearDuplicate} near-duplicates, ${s.outlier} outliers; ${s.flagged} files flagged${share}.`
  );
}
