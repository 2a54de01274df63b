import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import pkg from '../../../package.json';

const root = path.join(__dirname, '..', '..', '..');

/** The buttons of a step: VS Code renders a link alone on its line as one; the command it runs, arguments left off. */
function buttons(description: string): { label: string; command: string }[] {
  return description
    .split('\n')
    .flatMap((line) => {
      const match = /^\[([^\]]+)\]\(command:([\w.]+)(?:\?[^)]*)?\)$/.exec(line);
      return match ? [{ label: match[1]!, command: match[2]! }] : [];
    });
}

describe('the first-run walkthrough', () => {
  const [walkthrough] = pkg.contributes.walkthroughs;

  it('gets the model, asks, explains a folder and hands exploration to other agents, each step with a button that runs the real command', () => {
    expect(walkthrough!.steps.map((step) => [step.title, buttons(step.description)])).toEqual([
      [
        'Get the model',
        [
          { label: 'Download LocoOperator-4B', command: 'locooperator.downloadModel' },
          { label: 'Choose a GGUF File', command: 'locooperator.selectModelFile' },
          { label: 'Connect a Shared Server', command: 'locooperator.configureModel' },
        ],
      ],
      ['Ask a first question', [{ label: 'Open the Ask View', command: 'locooperator.openAskView' }]],
      ['Explain a folder', [{ label: 'Explain This Folder', command: 'locooperator.explainFolder' }]],
      ['Let other agents explore', [{ label: 'Ask @locooperator in Chat', command: 'workbench.action.chat.open' }]],
    ]);
    const views = pkg.contributes.views.locooperator.map((view) => view.id);
    expect(views).toContain('locooperator.askView');
  });

  it('completes a step when its command runs, and shows markdown that ships in the package', () => {
    const shipped = readFileSync(path.join(root, '.vscodeignore'), 'utf8').split('\n');
    expect(shipped).toContain('!media/**');
    for (const step of walkthrough!.steps) {
      expect(existsSync(path.join(root, step.media.markdown)), step.media.markdown).toBe(true);
      expect(step.media.markdown).toMatch(/^media\/walkthrough\/[\w-]+\.md$/);
      const commands = buttons(step.description).map((button) => button.command);
      for (const event of step.completionEvents) {
        const [kind, id] = event.split(':');
        if (kind === 'onCommand') expect(commands).toContain(id);
        else expect(event).toBe('onView:locooperator.askView');
      }
    }
  });

  it('tells other agents the npx line that starts the MCP server', () => {
    const agents = readFileSync(path.join(root, 'media', 'walkthrough', 'agents.md'), 'utf8');
    expect(agents).toContain('npx -y locooperator mcp');
    expect(agents).toContain('#explore');
    expect(agents).toContain('@locooperator');
  });
});
