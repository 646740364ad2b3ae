import { useMemo } from 'react';
import ReactMarkdown from 'react-markdown';
import type { Components, Options } from 'react-markdown';
import remarkGfm from 'remark-gfm';
import { CodeBlock } from './CodeBlock';
import { remarkInertHtml, remarkMentions } from './tree';
import { safeUrl } from './safe-url';
import './markdown.css';

/** What chat Markdown may produce; anything else (headings, tables, task boxes) shows its text. */
const allowedElements = [
  'p',
  'br',
  'strong',
  'em',
  'del',
  'code',
  'pre',
  'blockquote',
  'ul',
  'ol',
  'li',
  'a',
  'span',
  'hr',
  'img',
];

const components: Components = {
  a({ href, children }) {
    const url = safeUrl(href);
    // An unsafe link keeps its words, inert.
    if (!url) return <span className="link-inert">{children}</span>;
    return (
      <a href={url} target="_blank" rel="noopener noreferrer">
        {children}
      </a>
    );
  },
  // Images are not loaded (a remote image tells its server who read the message): a link to it instead.
  img({ src, alt }) {
    const url = safeUrl(typeof src === 'string' ? src : undefined);
    const label = alt || (typeof src === 'string' ? src : 'image');
    if (!url) return <span className="link-inert">{label}</span>;
    return (
      <a href={url} target="_blank" rel="noopener noreferrer">
        {label}
      </a>
    );
  },
  pre({ node, children }) {
    return <CodeBlock node={node}>{children}</CodeBlock>;
  },
};

/**
 * A message body as Markdown (GFM: bold, italic, strike, code, quotes, lists, links): parsed to a tree
 * and rendered as React elements, never through innerHTML. Raw HTML stays text, links open only with
 * http, https or mailto, `@mentions` stand out.
 */
export function Markdown({ body, myUsername }: { body: string; myUsername?: string | undefined }) {
  const plugins = useMemo<Options['remarkPlugins']>(
    () => [remarkGfm, remarkInertHtml, [remarkMentions, { me: myUsername }]],
    [myUsername],
  );
  return (
    <ReactMarkdown
      remarkPlugins={plugins}
      allowedElements={allowedElements}
      unwrapDisallowed
      skipHtml={false}
      urlTransform={(url) => url}
      components={components}
    >
      {body}
    </ReactMarkdown>
  );
}
