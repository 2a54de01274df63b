export const TOOLS: string[];
/** The cache folder for this node-llama-cpp version's llama.cpp; its bin/ holds the tools once built. */
export function llamaCppDir(): string;
/** Builds the tools when they are not cached yet; returns the folder that holds them. */
export function ensureLlamaCpp(): string;
