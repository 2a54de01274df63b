import type { Nodes, Parents, Root } from 'mdast';

/**
 * Raw HTML in the model's markdown is shown as code rather than dropped: the reader sees what
 * the model wrote, and nothing of it reaches the DOM as markup.
 */
export function remarkHtmlAsCode() {
  return (tree: Root) => replaceHtml(tree);
}

const blockParents = new Set(['root', 'blockquote', 'listItem', 'footnoteDefinition']);

function replaceHtml(parent: Parents): void {
  parent.children = parent.children.map((child: Nodes) => {
    if (child.type === 'html') {
      return blockParents.has(parent.type) ? { type: 'code', value: child.value } : { type: 'inlineCode', value: child.value };
    }
    if ('children' in child) replaceHtml(child);
    return child;
  }) as typeof parent.children;
}
