import { useState } from 'react';
import type { ReactNode } from 'react';

interface HastNode {
  type: string;
  value?: string;
  children?: HastNode[];
}

const textOf = (node: HastNode | undefined): string =>
  !node ? '' : node.type === 'text' ? (node.value ?? '') : (node.children ?? []).map(textOf).join('');

/** A fenced code block: scrolls sideways rather than wrapping, with a button that copies its text. */
export function CodeBlock({ node, children }: { node?: HastNode | undefined; children?: ReactNode }) {
  const [copied, setCopied] = useState(false);
  const text = textOf(node).replace(/\n$/, '');
  return (
    <div className="code-block">
      <button
        type="button"
        className="code-copy"
        onClick={() => {
          navigator.clipboard
            ?.writeText(text)
            .then(() => setCopied(true))
            .catch((error: unknown) => console.warn('could not copy the code', error));
        }}
      >
        {copied ? 'Copied' : 'Copy code'}
      </button>
      <pre tabIndex={0}>{children}</pre>
    </div>
  );
}
