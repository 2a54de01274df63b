import { createContext, useContext } from 'react';
import type { FileLinks } from './fileLinks';

export const LinksContext = createContext<FileLinks | undefined>(undefined);

export function useFileLinks(): FileLinks {
  const value = useContext(LinksContext);
  if (!value) throw new Error('useFileLinks outside LinksContext');
  return value;
}

/**
 * The folder the text around a reference was written in: the run's working folder, which the
 * host tries first for a relative reference. Undefined outside a run.
 */
export const ReferenceBaseContext = createContext<string | undefined>(undefined);
