import type { FrameDoc } from './asyncapi-document.js';

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Inline `code` spans of the summaries; everything else is text. */
const inline = (text: string) => escape(text).replace(/`([^`]+)`/g, '<code>$1</code>');

function section(title: string, frames: FrameDoc[], replyOf: (frame: FrameDoc) => FrameDoc | undefined) {
  const rows = frames
    .map((frame) => {
      const reply = replyOf(frame);
      return `<article id="${escape(frame.key)}">
  <h3><code>${escape(frame.type)}</code>${reply ? ` → <a href="#${escape(reply.key)}"><code>${escape(reply.type)}</code></a>` : ''}</h3>
  <p>${inline(frame.summary)}</p>
  <details><summary>Payload schema</summary><pre>${escape(JSON.stringify(frame.payload, null, 2))}</pre></details>
</article>`;
    })
    .join('\n');
  return `<section><h2>${escape(title)}</h2>\n${rows}\n</section>`;
}

/**
 * The WebSocket reference page (/docs/websocket): the AsyncAPI document's frames as HTML, rendered on the
 * server (no script, so the strict CSP holds). The machine-readable form is /asyncapi.json.
 */
export function asyncApiPage(
  frames: FrameDoc[],
  replies: Record<string, string>,
  description: string,
): string {
  const client = frames.filter((f) => f.side === 'client');
  const server = frames.filter((f) => f.side === 'server');
  const replyOf = (frame: FrameDoc) => server.find((f) => f.type === replies[frame.type]);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>messaging-app WebSocket protocol</title>
<style>
body { font: 16px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #1f2328; }
code, pre { font-family: ui-monospace, monospace; font-size: 0.9em; }
pre { background: #f6f8fa; padding: 1rem; overflow-x: auto; border-radius: 6px; }
article { border-top: 1px solid #d0d7de; padding: 0.5rem 0; }
h3 { margin: 0.5rem 0; }
.intro { white-space: pre-line; }
</style>
</head>
<body>
<h1>messaging-app WebSocket protocol</h1>
<p>Machine-readable: <a href="/asyncapi.json">/asyncapi.json</a> (AsyncAPI 3). REST API: <a href="/docs">/docs</a>.</p>
<div class="intro">${inline(description)}</div>
${section('Frames a client sends', client, replyOf)}
${section('Frames the server sends', server, () => undefined)}
</body>
</html>`;
}
