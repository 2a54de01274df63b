import { memo, type ComponentProps } from 'react';
import Markdown, { type Components } from 'react-markdown';
import rehypeHighlight from 'rehype-highlight';
import remarkGfm from 'remark-gfm';
import { FileReference, findFileReferences } from '../../../src/protocol/fileReference';
import { fileRefProperty, rehypeFileReferences } from '../markdown/rehypeFileReferences';
import { remarkHtmlAsCode } from '../markdown/remarkHtmlAsCode';
import { clipLongLines } from '../format';
import { FileRef } from './FileRef';
import { LinkifiedText } from './LinkifiedText';

/**
 * Markdown the model wrote (the report, its text between tool calls): GitHub-flavoured, code
 * highlighted. Model output is untrusted:
 * raw HTML shows as code, images are never fetched (their alt text shows instead), and only
 * verified file references are clickable; other links show as text with their address.
 */
export const SafeMarkdown = memo(function SafeMarkdown({ markdown }: { markdown: string }) {
  if (!formattable(markdown)) {
    return (
      <div className="markdown">
        <p className="report-note">This text is too large to format, so it is shown as plain text (Copy or Open in Editor gives all of it).</p>
        <div className="plain-text">
          <LinkifiedText text={clipLongLines(markdown)} />
        </div>
      </div>
    );
  }
  return (
    <div className="markdown">
      <Markdown remarkPlugins={remarkPlugins} rehypePlugins={rehypePlugins} components={components} urlTransform={keepUrl}>
        {markdown}
      </Markdown>
    </div>
  );
});

// Markdown parsing (GFM autolinks especially) and highlighting take seconds on a megabyte; a
// 50-page report is about 150 kB. Past these sizes, or with a runaway line, plain text it is.
const maxFormattedChars = 400_000;
const maxFormattedLineChars = 20_000;

function formattable(markdown: string): boolean {
  if (markdown.length > maxFormattedChars) return false;
  let lineStart = 0;
  while (lineStart < markdown.length) {
    const lineEnd = markdown.indexOf('\n', lineStart);
    const end = lineEnd === -1 ? markdown.length : lineEnd;
    if (end - lineStart > maxFormattedLineChars) return false;
    lineStart = end + 1;
  }
  return true;
}

// The default transform blanks what looks like an unknown scheme, which includes `app.py:10`.
// Nothing here reaches the DOM as an address: `a` and `img` below decide what every URL becomes.
const keepUrl = (url: string) => url;

// react-markdown builds its processor on every render, and rehype-highlight registers every
// language each time it is set up: a report renders hundreds of blocks, so it is set up once.
const highlightCode = rehypeHighlight();
const remarkPlugins = [remarkGfm, remarkHtmlAsCode];
const rehypePlugins = [() => highlightCode, rehypeFileReferences];

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
