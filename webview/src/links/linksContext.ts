import { createContext, useContext } from 'react';
import type { ResolvedLinks } from '../../../src/protocol/webview';
import type { LinkVerifier } from './linkVerifier';

export interface LinksValue {
  links: ResolvedLinks;
  /** Changes with every snapshot, so that mounted references ask again for lost answers. */
  generation: number;
  verifier: LinkVerifier;
}

export const LinksContext = createContext<LinksValue | undefined>(undefined);

export function useLinks(): LinksValue {
  const value = useContext(LinksContext);
  if (!value) throw new Error('useLinks outside LinksContext');
  return value;
}
