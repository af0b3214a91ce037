// Just enough Markdown for the datasheet's sections: paragraphs, "- " lists, **bold**, `code` and
// headings. Text only: nothing is ever injected as HTML.
import type { ReactNode } from 'react';

/** `**bold**` and `code` inside a line. */
function inline(text: string): ReactNode[] {
  const out: ReactNode[] = [];
  const pattern = /\*\*(.+?)\*\*|`([^`]+)`/g;
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    const at = match.index;
    if (at > last) out.push(text.slice(last, at));
    out.push(match[1] !== undefined ? <strong key={at}>{match[1]}</strong> : <code key={at}>{match[2]}</code>);
    last = at + match[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

export function Markdown({ text }: { text: string }) {
  const blocks: ReactNode[] = [];
  let list: string[] = [];
  let paragraph: string[] = [];
  const flush = () => {
    if (list.length > 0) {
      const items = list;
      blocks.push(
        <ul key={`ul${blocks.length}`}>
          {items.map((item, i) => (
            <li key={i}>{inline(item)}</li>
          ))}
        </ul>,
      );
      list = [];
    }
    if (paragraph.length > 0) {
      blocks.push(<p key={`p${blocks.length}`}>{inline(paragraph.join(' '))}</p>);
      paragraph = [];
    }
  };
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trimEnd();
    const item = /^\s*[-*]\s+(.*)$/.exec(line);
    const heading = /^#{1,6}\s+(.*)$/.exec(line);
    if (item) {
      if (paragraph.length > 0) flush();
      list.push(item[1]!);
    } else if (heading) {
      flush();
      blocks.push(
        <p key={`h${blocks.length}`}>
          <strong>{inline(heading[1]!)}</strong>
        </p>,
      );
    } else if (line.trim() === '') {
      flush();
    } else {
      if (list.length > 0) flush();
      paragraph.push(line.trim());
    }
  }
  flush();
  return <>{blocks}</>;
}
