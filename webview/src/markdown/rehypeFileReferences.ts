import type { Element, ElementContent, Root, RootContent } from 'hast';
import { findFileReferences } from '../../../src/protocol/fileReference';

/** Marks a span that stands for a file reference; the report's `span` component renders it. */
export const fileRefProperty = 'dataFileRef';

/** Past this many references in one report, the rest stays plain text. */
const maxReferences = 2000;

/**
 * Splits the report's text (prose and inline code, not code blocks or links) around file
 * references, wrapping each in a span that carries the reference as JSON.
 */
export function rehypeFileReferences() {
  return (tree: Root) => {
    let budget = maxReferences;
    const visit = (node: Root | Element) => {
      const children: (RootContent | ElementContent)[] = [];
      for (const child of node.children) {
        if (child.type === 'element' && child.tagName !== 'pre' && child.tagName !== 'a') visit(child);
        if (child.type !== 'text' || budget <= 0) {
          children.push(child);
          continue;
        }
        let position = 0;
        for (const reference of findFileReferences(child.value).slice(0, budget)) {
          budget -= 1;
          if (reference.index > position) children.push({ type: 'text', value: child.value.slice(position, reference.index) });
          const { index: _index, ...fileReference } = reference;
          children.push({
            type: 'element',
            tagName: 'span',
            properties: { [fileRefProperty]: JSON.stringify(fileReference) },
            children: [{ type: 'text', value: reference.text }],
          });
          position = reference.index + reference.text.length;
        }
        if (position < child.value.length) children.push({ type: 'text', value: child.value.slice(position) });
      }
      node.children = children as typeof node.children;
    };
    visit(tree);
  };
}
