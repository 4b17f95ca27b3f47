// The one place that talks to VS Code: typed post, and the state VS Code keeps for a hidden or restored panel.
import type { PanelWebviewState, WebviewMessage } from '../src/shared/panelProtocol';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): PanelWebviewState | undefined;
  setState(state: PanelWebviewState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

// acquireVsCodeApi may be called once per page load.
const api = acquireVsCodeApi();

export function post(message: WebviewMessage): void {
  api.postMessage(message);
}

export function loadState(): PanelWebviewState {
  return api.getState() ?? {};
}

export function saveState(state: PanelWebviewState): void {
  api.setState(state);
}
