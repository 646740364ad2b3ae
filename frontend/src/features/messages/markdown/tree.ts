import { mentionPattern } from '@messaging-app/shared';

/** The part of a Markdown (mdast) node these plugins read and write. */
export interface MdNode {
  type: string;
  value?: string;
  url?: string;
  children?: MdNode[];
  data?: { hName?: string; hProperties?: Record<string, unknown>; mention?: boolean };
}

/**
 * Raw HTML in a message is shown as the text it is, never parsed: `<img onerror=…>` reads as typed.
 * (react-markdown would otherwise drop it silently.)
 */
export function remarkInertHtml() {
  return (tree: MdNode) => {
    walk(tree, (node) => {
      if (node.type === 'html') node.type = 'text';
    });
  };
}

/**
 * `@username` in text (not in code, not inside a link) becomes a `span.mention`; the current user's
 * own name also gets `mention-me`. Same pattern as the server's mention parser.
 */
export function remarkMentions(options: { me?: string | undefined }) {
  const me = options.me?.toLowerCase();
  return (tree: MdNode) => {
    walk(tree, (node) => {
      if (!node.children) return;
      node.children = node.children.flatMap((child) =>
        child.type === 'text' && child.value ? splitMentions(child.value, me) : [child],
      );
    });
  };
}

function splitMentions(text: string, me: string | undefined): MdNode[] {
  const out: MdNode[] = [];
  let last = 0;
  for (const match of text.matchAll(new RegExp(mentionPattern.source, 'g'))) {
    if (match.index > last) out.push({ type: 'text', value: text.slice(last, match.index) });
    const username = (match[1] ?? '').toLowerCase();
    out.push({
      type: 'emphasis',
      data: {
        mention: true,
        hName: 'span',
        hProperties: { className: username === me ? ['mention', 'mention-me'] : ['mention'] },
      },
      children: [{ type: 'text', value: match[0] }],
    });
    last = match.index + match[0].length;
  }
  if (last === 0) return [{ type: 'text', value: text }];
  if (last < text.length) out.push({ type: 'text', value: text.slice(last) });
  return out;
}

/** Depth-first, parents before children; the text of links and of mentions made here is left alone. */
function walk(node: MdNode, visit: (node: MdNode) => void): void {
  if (node.type === 'link' || node.type === 'linkReference' || node.data?.mention) return;
  visit(node);
  for (const child of node.children ?? []) walk(child, visit);
}
