// `transfer-studio doctor` and Check Data: scan the folder (the ignore list applies), cache the features of
// the chosen base at its default cut, fingerprint the files, run the checks, remember what was flagged.
import type { CancelSignal } from '../../shared/engineError';
import type { DoctorReport } from '../../shared/doctorTypes';
import type { ProgressEvent } from '../../shared/engineTypes';
import type { DoctorParams } from '../../shared/trainerProtocol';
import { resolveFreezePlan } from '../../shared/freezePlan';
import { scanDataset, trainableClasses } from '../data/datasetScanner';
import { loadBase } from '../models/baseModel';
import { disposeModels } from '../models/disposeModels';
import { buildTransferModel } from '../models/transferModel';
import { featuresAtBase } from '../train/baseFeatures';
import { diagnose } from './diagnose';
import { fingerprints } from './fingerprints';
import { saveLastCheck } from './lastCheck';

export async function checkData(
  p: DoctorParams,
  signal: CancelSignal,
  emit: (e: ProgressEvent) => void,
): Promise<DoctorReport> {
  const { report } = await runChecks(p, signal, emit);
  saveLastCheck(p.cacheDir, report);
  return report;
}

/** The report with what it was computed from (the evaluation script measures rankings on `diagnosis`). */
export async function runChecks(p: DoctorParams, signal: CancelSignal, emit: (e: ProgressEvent) => void) {
  emit({ kind: 'stage', stage: 'scanning', message: p.folder });
  const scan = await scanDataset(p.folder);
  const classes = trainableClasses(scan, 1);
  const samples = classes.flatMap((c, label) => c.files.map((f) => ({ path: f, label })));
  emit({ kind: 'stage', stage: 'loading-base', message: p.base });
  const base = await loadBase(p.base, p.cacheDir);
  const plan = resolveFreezePlan(base.description.layers, {}, base.description.defaultFeatureLayer);
  const tm = buildTransferModel(base.model, plan, { pooling: 'avg' }, classes.length, p.seed);
  try {
    const { features } = await featuresAtBase({ base, plan, model: tm }, samples, {
      cacheDir: p.cacheDir,
      signal,
      emit,
    });
    const kept = samples.filter((s) => features.has(s.path)).sort((a, b) => a.path.localeCompare(b.path));
    emit({ kind: 'stage', stage: 'evaluating', message: `checking ${kept.length} images` });
    const prints = await fingerprints(kept.map((s) => s.path));
    const names = classes.map((c) => c.name);
    const examples = kept.map((s, i) => ({ ...s, features: features.get(s.path)!, fingerprint: prints[i] }));
    const d = diagnose({ root: scan.root, classes: names, examples, seed: p.seed });
    const report: DoctorReport = {
      folder: scan.root,
      base: p.base,
      seed: p.seed,
      classes: names,
      findings: d.findings,
      confusedPairs: d.confusedPairs,
      summary: summarize(kept.length, d.findings),
      notes: d.notes,
    };
    return { report, diagnosis: d, examples };
  } finally {
    disposeModels([tm.head, tm.features, tm.full, base.model]);
  }
}

function summarize(examples: number, findings: DoctorReport['findings']): DoctorReport['summary'] {
  const count = (k: string) => findings.filter((f) => f.kind === k).length;
  return {
    examples,
    label: count('label'),
    duplicate: count('duplicate'),
    nearDuplicate: count('near-duplicate'),
    outlier: count('outlier'),
    flagged: new Set(findings.map((f) => f.path)).size,
  };
}
