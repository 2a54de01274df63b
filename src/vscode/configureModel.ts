import * as vscode from 'vscode';
import {
  askModelConfiguration,
  configurationSummary,
  settingsToWrite,
  type InputStep,
  type ModelConfiguration,
  type ModelConfigurationUi,
  type PickStep,
} from '../app/modelConfiguration';
import { downloadOffer, type ModelManager } from './modelManager';
import { openSettings, settingsPlaceLabel } from './openSettings';
import type { ServerApiKeys } from './serverApiKeys';
import { SETTINGS_SECTION, type SettingsReader } from './settings';

export interface ConfigureModelDependencies {
  models: ModelManager;
  apiKeys: ServerApiKeys;
  settings: SettingsReader;
  log: vscode.LogOutputChannel;
  downloadModel(): Promise<void>;
}

/**
 * "LocoOperator: Configure Model…": asks the steps (app/modelConfiguration.ts) with quick picks
 * and input boxes, then saves the answer. Resolves with what was saved, or undefined when the
 * user cancelled (then nothing changed).
 */
export async function configureModel(deps: ConfigureModelDependencies): Promise<{ configuration: ModelConfiguration; keyChanged: boolean } | undefined> {
  const settings = deps.settings.read();
  const configuration = await askModelConfiguration(quickInputs(deps.models), {
    settings,
    offer: downloadOffer(settings['model.variant']),
    downloaded: await deps.models.hasDownloadedModel(),
    hasSavedKey: (url) => deps.apiKeys.has(url),
  });
  if (!configuration) return undefined;

  // The key first: the connection that the new settings start already sends it.
  const keyChanged = configuration.backend === 'embedded' ? false : await deps.apiKeys.change(configuration.url, configuration.apiKey);
  const section = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  for (const { name, value } of settingsToWrite(configuration)) {
    // Global is where a machine-scoped setting applies, in a remote window too (settingsPlace.ts).
    await section.update(name, value, vscode.ConfigurationTarget.Global);
  }
  const place = settingsPlaceLabel();
  deps.log.info(`Configure Model saved to ${place}: ${settingsToWrite(configuration).map(({ name, value }) => `${name}=${JSON.stringify(value)}`).join(', ')}`);
  if (configuration.backend === 'embedded' && configuration.download) {
    void deps.downloadModel();
  } else {
    const open = 'Open Settings';
    void vscode.window.showInformationMessage(`${configurationSummary(configuration)} Saved in your ${place}.`, open).then((choice) => {
      if (choice === open) void openSettings(configuration.backend === 'embedded' ? 'locooperator.model' : 'locooperator.server');
    });
  }
  return { configuration, keyChanged };
}

/** The steps as VS Code's quick picks and input boxes; each stays open when the focus moves away. */
function quickInputs(models: ModelManager): ModelConfigurationUi {
  return {
    async pick<Id extends string>(step: PickStep<Id>) {
      const picked = await vscode.window.showQuickPick(step.items, { title: step.title, placeHolder: step.placeholder, ignoreFocusOut: true });
      return picked?.id;
    },
    input(step: InputStep) {
      return Promise.resolve(
        vscode.window.showInputBox({
          title: step.title,
          prompt: step.prompt,
          value: step.value,
          placeHolder: step.placeholder,
          password: step.password,
          ignoreFocusOut: true,
          validateInput: step.validate,
        }),
      );
    },
    chooseModelFile: () => models.pickModelFile(),
  };
}
