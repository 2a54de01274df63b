import { describe, expect, it } from 'vitest';
import { parseSettings, serverLimitsMs, SETTING_NAMES } from '../../../src/protocol/settings';
import pkg from '../../../package.json';

describe('parseSettings', () => {
  it('gives the documented defaults when nothing is set', () => {
    const { settings, problems } = parseSettings({});
    expect(problems).toEqual([]);
    expect(settings).toMatchObject({
      'model.path': '',
      'model.variant': 'Q4_K_M',
      gpu: 'auto',
      contextSize: 'auto',
      temperature: 0.7,
      'maxTurns.quick': 5,
      'maxTurns.medium': 10,
      'maxTurns.thorough': 20,
      threads: 0,
      'search.respectFilesExclude': true,
      backend: 'embedded',
    });
  });

  it('keeps valid values and replaces each invalid one by its default, saying which', () => {
    const { settings, problems } = parseSettings({ temperature: 5, threads: 4, contextSize: 'huge', gpu: 'off' });
    expect(settings.temperature).toBe(0.7);
    expect(settings.contextSize).toBe('auto');
    expect(settings.threads).toBe(4);
    expect(settings.gpu).toBe('off');
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain('locooperator.contextSize');
    expect(problems[1]).toContain('locooperator.temperature');
  });

  it('gives each wait on a server its own limit: seconds to connect, minutes for a slow server to begin, two minutes of silence mid-answer', () => {
    expect(serverLimitsMs(parseSettings({}).settings)).toEqual({ connect: 10_000, firstByte: 300_000, idle: 120_000 });
    expect(serverLimitsMs(parseSettings({ 'server.connectTimeoutSeconds': 3, 'server.firstTokenTimeoutSeconds': 0, 'server.idleTimeoutSeconds': 30 }).settings)).toEqual({
      connect: 3000,
      firstByte: 0,
      idle: 30_000,
    });
  });

  it('accepts a number of tokens as the context size', () => {
    expect(parseSettings({ contextSize: 8192 }).settings.contextSize).toBe(8192);
  });

  it('declares the context size so the Settings UI can edit it, with the bounds the schema checks', () => {
    const declared = pkg.contributes.configuration.properties['locooperator.contextSize'] as unknown as {
      anyOf: { enum?: string[]; type: string; minimum?: number; maximum?: number }[];
    };
    const auto = declared.anyOf.find((option) => option.enum);
    const tokens = declared.anyOf.find((option) => option.type === 'integer')!;
    expect(auto?.enum).toEqual(['auto']);
    expect(parseSettings({ contextSize: tokens.minimum }).problems).toEqual([]);
    expect(parseSettings({ contextSize: tokens.minimum! - 1 }).problems).toHaveLength(1);
    expect(parseSettings({ contextSize: tokens.maximum }).problems).toEqual([]);
    expect(parseSettings({ contextSize: tokens.maximum! + 1 }).problems).toHaveLength(1);
    expect(parseSettings({ contextSize: '8k' }).problems).toHaveLength(1);
  });

  it('rejects a variant that could not be a quantisation name', () => {
    expect(parseSettings({ 'model.variant': '../../etc' }).settings['model.variant']).toBe('Q4_K_M');
  });

  it('matches the settings the manifest contributes, with the same defaults', () => {
    const declared = pkg.contributes.configuration.properties as Record<string, { default: unknown }>;
    expect(Object.keys(declared).sort()).toEqual(SETTING_NAMES.map((name) => `locooperator.${name}`).sort());
    const { settings } = parseSettings({});
    for (const name of SETTING_NAMES) expect(declared[`locooperator.${name}`]!.default).toEqual(settings[name]);
  });

  it('keeps every setting it contributes from an untrusted folder: VS Code ignores their workspace and folder values in Restricted Mode', () => {
    const { untrustedWorkspaces } = pkg.capabilities;
    expect(untrustedWorkspaces.supported).toBe('limited');
    expect([...untrustedWorkspaces.restrictedConfigurations].sort()).toEqual(Object.keys(pkg.contributes.configuration.properties).sort());
  });
});
