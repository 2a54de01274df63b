import type { BuildOptions } from 'esbuild';

export const NODE_EXTERNALS: string[];
export const commonJsNodeBundle: BuildOptions;
export const esmRequireBanner: { js: string };
