// The trainer's answer to text/preview: the dataset read exactly as a training reads it (same limits,
// normalisation, deduplication and split), shaped for the panel.
import { stratifiedSplit } from '../../shared/split';
import { textDatasetView, type TextDatasetView } from '../../shared/text/textDatasetView';
import type { TextPreviewParams } from '../../shared/text/textPreviewProtocol';
import { readTextDataset } from '../data/text/textDataset';

export function previewText(p: TextPreviewParams): TextDatasetView {
  const data = readTextDataset(p.source, p.columns);
  const classes = data.classes.map((name) => ({
    name,
    files: data.examples.filter((e) => e.label === name).map((e) => e.path),
  }));
  const split = stratifiedSplit(classes, p);
  const counts = { train: split.train.length, validation: split.validation.length, test: split.test.length };
  return textDatasetView(p.source, data.classes, data.examples, data.skipped, counts);
}
