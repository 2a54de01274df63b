import { createContext } from 'react';
import type { RunTree } from '../state/runTree';

/**
 * The run tree a timeline belongs to. Only sub-agent timelines read it, so that a text delta
 * re-renders them and not every (memoized) card between.
 */
export const RunTreeContext = createContext<RunTree | undefined>(undefined);
