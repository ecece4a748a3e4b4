// Small text helpers for the prompt editor and exports.

/** Words in a prompt: runs of letters, digits and apostrophes (so "don't" is one word). */
export function countWords(text: string): number {
  return text.match(/[\p{L}\p{N}][\p{L}\p{N}'’_-]*/gu)?.length ?? 0;
}

/** Past this many words a persona prompt gets a warning: long prompts slow and blur the agent. */
export const promptWordLimit = 500;

/** One CSV field, quoted when it must be (RFC 4180), with formula injection neutralised. */
export function csvField(value: unknown): string {
  let text: string;
  if (value === null || value === undefined) text = '';
  else if (typeof value === 'string') text = value;
  else if (typeof value === 'number' || typeof value === 'boolean') text = String(value);
  else text = JSON.stringify(value);
  // Spreadsheets execute cells starting with these; a leading apostrophe keeps them as text.
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Rows of objects as CSV text with a header line, columns in the given order. */
export function toCsv<T>(
  rows: readonly T[],
  columns: readonly { header: string; value: (row: T) => unknown }[],
): string {
  const lines = [columns.map((column) => csvField(column.header)).join(',')];
  for (const row of rows)
    lines.push(columns.map((column) => csvField(column.value(row))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** Offers `content` to the browser as a file download. */
export function download(filename: string, content: string, type: string): void {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/**
 * The title of an uploaded document: its first Markdown heading (`# Office hours`, or a line
 * underlined with `===`/`---`), else the file name without its extension (`office.md` → "office").
 */
export function documentTitle(fileName: string, content: string): string {
  const lines = content.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    const atx = /^ {0,3}#{1,6}\s+(.+?)\s*#*\s*$/.exec(line);
    if (atx?.[1]) return atx[1].slice(0, 200);
    const next = lines[index + 1];
    if (line.trim() !== '' && next !== undefined && /^ {0,3}(=+|-{2,})\s*$/.test(next))
      return line.trim().slice(0, 200);
  }
  return fileName.replace(/\.(md|markdown|txt)$/i, '');
}
