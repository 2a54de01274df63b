import { z } from 'zod';

/**
 * A file reference found in model or tool text: `src/app.py:10`, `/abs/x.ts:3-9`,
 * `lib/a.js#L4-L8`. Found by `findFileReferences` on both sides of the webview; only the
 * extension host can tell whether it names a real file and line, so the webview links a
 * reference only after the host has verified it.
 */
export const FileReference = z.object({
  /** The exact text as it appears (the key the host answers under). */
  text: z.string().max(4096),
  /** The path as written: absolute or relative to a workspace folder. */
  path: z.string().min(1).max(4096),
  line: z.number().int().positive().optional(),
  endLine: z.number().int().positive().optional(),
});
export type FileReference = z.infer<typeof FileReference>;
