import { createContext, useContext } from 'react';
import type { WebviewToHost } from '../../src/protocol/webview';

export type PostToHost = (message: WebviewToHost) => void;

export const HostContext = createContext<PostToHost | undefined>(undefined);

export function usePostToHost(): PostToHost {
  const post = useContext(HostContext);
  if (!post) throw new Error('usePostToHost outside HostContext');
  return post;
}
