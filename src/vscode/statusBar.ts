import * as vscode from 'vscode';
import type { ModelStatus } from '../protocol/webview';
import { statusBarLook } from './modelStatus';

/** The model's state in the status bar; a click opens the Ask view. */
export class ModelStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('locooperator.modelStatus', vscode.StatusBarAlignment.Right, 100);

  constructor(focusCommand: string) {
    this.item.name = 'LocoOperator Model';
    this.item.command = focusCommand;
  }

  show(status: ModelStatus): void {
    const look = statusBarLook(status);
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
