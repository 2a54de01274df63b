import * as vscode from 'vscode';
import type { ModelStatus } from '../protocol/webview';
import { statusBarLook } from '../app/modelStatus';

/** The model's state in the status bar, and whether a question is being answered; a click opens the Ask view. */
export class ModelStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('locooperator.modelStatus', vscode.StatusBarAlignment.Right, 100);
  private status?: ModelStatus;
  private running = false;

  constructor(focusCommand: string) {
    this.item.name = 'LocoOperator Model';
    this.item.command = focusCommand;
  }

  show(status: ModelStatus): void {
    this.status = status;
    this.render(status);
  }

  /** A question started or ended: between the model's turns, tools run while the model idles. */
  setRunning(running: boolean): void {
    this.running = running;
    if (this.status) this.render(this.status);
  }

  private render(status: ModelStatus): void {
    const look = statusBarLook(status, this.running);
    this.item.text = look.text;
    this.item.tooltip = look.tooltip;
    this.item.backgroundColor = look.error ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.item.accessibilityInformation = { label: look.text.replace(/\$\([^)]*\)\s*/g, ''), role: 'button' };
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
