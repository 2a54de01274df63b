import { createContext, useContext } from 'react';
import type { FileLinks } from './fileLinks';

export const LinksContext = createContext<FileLinks | undefined>(undefined);

export function useFileLinks(): FileLinks {
  const value = useContext(LinksContext);
  if (!value) throw new Error('useFileLinks outside LinksContext');
  return value;
}
