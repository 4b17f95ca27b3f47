// Accuracy, per-class precision/recall/F1, the confusion matrix and the misclassified files, computed from
// predicted probabilities. Pure arithmetic, so it is tested without tfjs.
import type { ClassMetrics, Evaluation, Misclassified } from '../../shared/evaluationTypes';

export interface Scored {
  path: string;
  label: number;
  probs: ArrayLike<number>;
}

export function evaluatePredictions(classes: readonly string[], scored: readonly Scored[]): Evaluation {
  const k = classes.length;
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const misclassified: Misclassified[] = [];
  for (const s of scored) {
    const predicted = argMax(s.probs);
    confusion[s.label][predicted]++;
    if (predicted !== s.label) {
      misclassified.push({
        path: s.path,
        actual: classes[s.label],
        predicted: classes[predicted],
        confidence: s.probs[predicted],
      });
    }
  }
  const perClass: ClassMetrics[] = classes.map((name, c) => {
    const tp = confusion[c][c];
    const support = confusion[c].reduce((a, b) => a + b, 0);
    const predictedAs = confusion.reduce((a, row) => a + row[c], 0);
    const precision = predictedAs ? tp / predictedAs : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    return { name, precision, recall, f1, support };
  });
  const correct = classes.reduce((a, _, c) => a + confusion[c][c], 0);
  misclassified.sort((a, b) => b.confidence - a.confidence);
  return {
    accuracy: scored.length ? correct / scored.length : 0,
    count: scored.length,
    classes: [...classes],
    perClass,
    confusion,
    misclassified,
  };
}

export function argMax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}
