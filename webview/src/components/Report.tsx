import { memo, type ComponentProps } from 'react';
import Markdown, { type Components } from 'react-markdown';
import rehypeHighlight from 'rehype-highlight';
import remarkGfm from 'remark-gfm';
import { FileReference, findFileReferences } from '../../../src/protocol/fileReference';
import { fileRefProperty, rehypeFileReferences } from '../markdown/rehypeFileReferences';
import { remarkHtmlAsCode } from '../markdown/remarkHtmlAsCode';
import { FileRef } from './FileRef';

/**
 * The final report: GitHub-flavoured markdown with highlighted code. Model output is untrusted:
 * raw HTML shows as code, images are never fetched (their alt text shows instead), and only
 * verified file references are clickable; other links show as text with their address.
 */
export const Report = memo(function Report({ markdown }: { markdown: string }) {
  return (
    <div className="markdown">
      <Markdown remarkPlugins={remarkPlugins} rehypePlugins={rehypePlugins} components={components}>
        {markdown}
      </Markdown>
    </div>
  );
});

const remarkPlugins = [remarkGfm, remarkHtmlAsCode];
const rehypePlugins = [rehypeHighlight, rehypeFileReferences];

const components: Components = {
  a: ({ href, children }) => {
    const target = href ?? '';
    const reference = findFileReferences(target)[0];
    if (reference && reference.index === 0 && reference.text === target) return <FileRef reference={reference}>{children}</FileRef>;
    const address = /^https?:\/\//i.test(target) ? target : undefined;
    return (
      <span className="external-ref" title={address}>
        {children}
        {address !== undefined && !sameText(children, address) && <span className="external-ref-address"> ({address})</span>}
      </span>
    );
  },
  img: ({ alt }) => (
    <span className="image-placeholder" title="Images in reports are not loaded">
      <span className="codicon codicon-file-media" aria-hidden="true" /> {alt || 'image'}
    </span>
  ),
  span: ({ node, ...props }: ComponentProps<'span'> & { node?: { properties?: Record<string, unknown> } }) => {
    const encoded = node?.properties?.[fileRefProperty];
    if (typeof encoded === 'string') {
      const reference = FileReference.safeParse(JSON.parse(encoded));
      if (reference.success) return <FileRef reference={reference.data} />;
    }
    return <span {...props} />;
  },
};

function sameText(children: unknown, text: string): boolean {
  return typeof children === 'string' && children === text;
}
