// The data doctor's checks on the features of one base: label issues from out-of-fold probabilities,
// exact and near duplicates, outliers, and class pairs the probe mixes up. Deterministic for a given seed.
import path from 'node:path';
import { confusedClassPairs, labelIssues, suspicion, type IssueOptions } from '../../shared/confidentLearning';
import type { ConfusedPair, DoctorFinding } from '../../shared/doctorTypes';
import { findDuplicates, type Fingerprint } from '../../shared/duplicates';
import { outliers, unitRows, OUTLIER_NEIGHBOURS } from '../../shared/outliers';
import { isolationOnEngine } from './neighbours';
import { outOfFoldProbabilities, PROBE_FOLDS } from './outOfFold';

/**
 * How label issues are chosen and ordered. On 1,000-image MNIST and Fashion-MNIST with 10% planted flips
 * (README "Data doctor"), the whole set by self-confidence beat normalised margin on three rows of four, and
 * prune by noise rate, reporting flagged images first, left out flips from the head of that order (precision
 * at k 0.77 against 0.83 on MNIST, uniform flips): the doctor reports the head of the ranking instead.
 */
export const LABEL_RULE: Omit<IssueOptions, 'skip'> = { ranking: 'self-confidence', selection: 'ranked' };

export interface DiagnoseInput {
  root: string;
  classes: readonly string[];
  /** Examples with features, sorted by path (the first copy of a duplicate is the one that stays). */
  examples: readonly { path: string; label: number; features: Float32Array; fingerprint: Fingerprint }[];
  seed: number;
}

export interface Diagnosis {
  findings: DoctorFinding[];
  confusedPairs: ConfusedPair[];
  notes: string[];
  /** Out-of-fold probabilities (n × classes) of the judged examples; the rest are NaN. */
  probs: Float64Array;
}

export function diagnose(input: DiagnoseInput): Diagnosis {
  const { examples, classes, root } = input;
  const rel = (i: number) => path.relative(root, examples[i].path);
  const notes: string[] = [];
  const label = labelFindings(input, notes);
  const unit = unitRows(examples.map((e) => e.features));
  const duplicates = findDuplicates(examples.map((e) => e.fingerprint)).map((d): DoctorFinding => {
    const e = examples[d.index];
    const other = examples[d.of];
    const sameClass = other.label === e.label;
    const where = sameClass ? '' : ` in class "${classes[other.label]}"`;
    return {
      kind: d.exact ? 'duplicate' : 'near-duplicate',
      path: e.path,
      label: classes[e.label],
      score: 1 - d.distance,
      action: sameClass ? 'delete' : 'review',
      duplicateOf: other.path,
      detail: d.exact
        ? `Same bytes as ${rel(d.of)}${where}.`
        : `Looks like ${rel(d.of)}${where} (pixel distance ${d.distance.toFixed(3)}).`,
    };
  });
  const far = outliers(isolationOnEngine(unit, input.seed)).map((o): DoctorFinding => ({
    kind: 'outlier',
    path: examples[o.index].path,
    label: classes[examples[o.index].label],
    score: o.rank,
    action: 'review',
    detail: `Far from the other images: mean cosine distance ${o.isolation.toFixed(3)} to its ${OUTLIER_NEIGHBOURS} nearest.`,
  }));
  if (examples.length > 0 && examples.length < 100)
    notes.push(`Outliers: with ${examples.length} images at most one is called an outlier.`);
  const byScore = (a: DoctorFinding, b: DoctorFinding) => b.score - a.score || a.path.localeCompare(b.path);
  return {
    findings: [...label.findings, ...duplicates.sort(byScore), ...far],
    confusedPairs: label.confused,
    notes,
    probs: label.probs,
  };
}

/** Label issues and confused pairs, from the classes with enough examples to hold out a fold. */
function labelFindings(input: DiagnoseInput, notes: string[]) {
  const { examples, classes } = input;
  const counts = classes.map((_, c) => examples.filter((e) => e.label === c).length);
  const judged = classes.map((_, c) => counts[c] >= PROBE_FOLDS);
  classes.forEach((name, c) => {
    if (!judged[c] && counts[c] > 0)
      notes.push(`Labels of "${name}" not checked: ${counts[c]} images, at least ${PROBE_FOLDS} are needed.`);
  });
  // The probe sees only judged classes, renumbered 0 … k−1.
  const kept = classes.flatMap((_, c) => (judged[c] ? [c] : []));
  const local = new Map(kept.map((c, i) => [c, i]));
  const members = examples.flatMap((e, i) => (judged[e.label] ? [i] : []));
  const probs = new Float64Array(examples.length * classes.length).fill(NaN);
  if (kept.length < 2) {
    if (examples.length > 0) notes.push(`Labels not checked: fewer than two classes have ${PROBE_FOLDS} images.`);
    return { findings: [] as DoctorFinding[], confused: [] as ConfusedPair[], probs };
  }
  const labels = members.map((i) => local.get(examples[i].label)!);
  const p = outOfFoldProbabilities(
    members.map((i) => examples[i].features),
    labels,
    kept.length,
    input.seed,
  );
  members.forEach((i, m) => kept.forEach((c, k) => (probs[i * classes.length + c] = p[m * kept.length + k])));
  const findings = labelIssues(p, labels, kept.length, LABEL_RULE).map((issue): DoctorFinding => {
    const e = examples[members[issue.index]];
    const likely = classes[kept[issue.likely]];
    const likelyP = p[issue.index * kept.length + issue.likely];
    return {
      kind: 'label',
      path: e.path,
      label: classes[e.label],
      score: suspicion(issue, LABEL_RULE.ranking),
      action: 'move',
      suggestedClass: likely,
      detail: `Labelled "${classes[e.label]}" (probability ${percent(issue.selfConfidence)}); more likely "${likely}" (${percent(likelyP)}).`,
    };
  });
  const confused = confusedClassPairs(p, labels, kept.length).map((q): ConfusedPair => ({
    classes: [classes[kept[q.a]], classes[kept[q.b]]],
    count: q.count,
    share: q.share,
  }));
  return { findings, confused, probs };
}

const percent = (p: number) => `${(100 * p).toFixed(0)}%`;
