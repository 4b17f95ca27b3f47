// The panel's Dataset tab for text data: the trainer reads the folder or table as a training would and
// the host hands the result to the dataset service, which the panel already follows.
import type { DatasetPreview } from '../../shared/panelProtocol';
import type { TextDatasetView } from '../../shared/text/textDatasetView';
import { textPreview, type TextPreviewParams } from '../../shared/text/textPreviewProtocol';
import type { Services } from '../services';

/** Previews a text dataset in the panel; a failure is only logged (the training says it in full). */
export async function showTextDataset(s: Services, params: TextPreviewParams): Promise<void> {
  try {
    const view = await (await s.trainer.get()).sendRequest(textPreview, params);
    s.datasets.showText(asDatasetPreview(view));
  } catch (e) {
    s.log.warn(`Text preview of ${params.source} failed: ${(e as Error).message}`);
  }
}

export function asDatasetPreview(view: TextDatasetView): DatasetPreview {
  return {
    folder: view.source,
    classes: view.classes.map((c) => ({ name: c.name, count: c.count, thumbnails: [] })),
    split: view.split,
    skipped: [],
    warnings: [],
    text: view,
  };
}
