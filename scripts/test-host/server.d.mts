export const BASE_SETTINGS: Record<string, unknown>;

export interface CodeServer {
  origin: string;
  port: number;
  root: string;
  settingsFile: string;
  workspace: string;
  extensionsDir: string;
  workbenchUrl(payload?: [string, string][]): string;
  remoteUri(path: string): string;
  stop(options?: { keep?: boolean }): Promise<void>;
}

export function installVsix(vsix: string, extensionsDir: string): string;
export function linkExtension(folder: string, extensionsDir: string): string;
export function startCodeServer(options: {
  workspace: string;
  extensionsDir?: string;
  smokeTestDriver?: boolean;
  workspaceTrust?: boolean;
  settings?: Record<string, unknown>;
  logFile?: string;
}): Promise<CodeServer>;
