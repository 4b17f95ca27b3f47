// The Layers tab's toggle of a text model's Embedding: whether the next text training keeps GloVe's vectors
// (the fine-tuned model then trains its head only). Kept per workspace, as the column picks are; the panel
// shows it beside the layers of the run it reports.
import type * as vscode from 'vscode';
import type { Services } from '../services';

const KEY = 'transferStudio.text.freezeEmbedding';

/** The toggle's state: off (fine-tune the vectors) until the user freezes them. */
export const textEmbeddingFrozen = (state: vscode.Memento): boolean => state.get<boolean>(KEY) === true;

/** Stores the toggle and shows it on the text report the panel holds. */
export async function setTextEmbeddingFrozen(s: Services, frozen: boolean): Promise<void> {
  await s.context.workspaceState.update(KEY, frozen);
  s.log.info(`Text training: the fine-tuned model's Embedding ${frozen ? 'stays GloVe' : 'is fine-tuned'} from now on`);
  const shown = s.panel.evaluation;
  if (shown?.text) s.panel.showEvaluation({ ...shown, text: { ...shown.text, freezeEmbedding: frozen } });
}
