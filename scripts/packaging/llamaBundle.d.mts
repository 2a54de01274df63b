export const LLAMA_BUNDLE_ENTRIES: string[];
export const LLAMA_BUNDLE_LICENSES: string;
export function bundleNodeLlamaCpp(staging: string): Promise<{ loaded: string[]; bundled: string[] }>;
