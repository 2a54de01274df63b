import { z } from 'zod';
import catalogJson from '../../models/catalog.json';

/** The known GGUF builds of LocoOperator-4B (models/catalog.json). */
export const CatalogVariant = z.object({
  quantization: z.string(),
  approximateBytes: z.number().positive(),
  /** `hf:owner/repo:QUANT`: the hub repository and the quantisation to pick from its files. */
  source: z.string().regex(/^hf:[^/:]+\/[^/:]+:[^/:]+$/),
  /** null where no checksum is published; the download then checks the hub's LFS sha256. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/).nullable(),
  note: z.string().optional(),
});
export type CatalogVariant = z.infer<typeof CatalogVariant>;

export const ModelCatalog = z.object({
  model: z.string(),
  description: z.string(),
  repository: z.string(),
  defaultVariant: z.string(),
  recommended: z.object({
    temperature: z.number(),
    topP: z.number(),
    topK: z.number().int(),
    maxTurns: z.number().int(),
    contextSize: z.number().int(),
  }),
  variants: z.array(CatalogVariant).min(1),
});
export type ModelCatalog = z.infer<typeof ModelCatalog>;

export const catalog: ModelCatalog = ModelCatalog.parse(catalogJson);

export function findVariant(quantization: string = catalog.defaultVariant): CatalogVariant {
  const variant = catalog.variants.find((v) => v.quantization.toLowerCase() === quantization.toLowerCase());
  if (!variant) {
    const known = catalog.variants.map((v) => v.quantization).join(', ');
    throw new Error(`Unknown variant "${quantization}". Known variants: ${known}.`);
  }
  return variant;
}

/** The name a downloaded build is stored under in the download folder. */
export function downloadedFileName(quantization: string): string {
  return `${catalog.model}.${quantization}.gguf`;
}

/** Splits `hf:owner/repo:QUANT` into the repository and the quantisation. */
export function parseHfSource(source: string): { repository: string; quantization: string } {
  const match = /^hf:([^/:]+\/[^/:]+):([^/:]+)$/.exec(source);
  if (!match) throw new Error(`Not a hub source: ${source} (expected hf:owner/repo:QUANT).`);
  return { repository: match[1]!, quantization: match[2]! };
}
