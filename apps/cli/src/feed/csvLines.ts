/** One physical line of a text file, without its line break. */
export interface CsvLine {
  /** 1-based line number. */
  readonly number: number;
  readonly text: string;
  /** The line was longer than the limit: `text` is empty and the line must count as bad. */
  readonly overlong: boolean;
}

/**
 * Splits a byte stream into lines (`\n` or `\r\n`), holding at most `maxLineChars` of one
 * line: a longer line is dropped as it streams past and reported with `overlong`, so a file
 * without line breaks cannot fill memory (node:readline would buffer it whole). A UTF-8 BOM
 * is removed from the first line.
 *
 * @example
 * for await (const line of csvLines(createReadStream(file), 65_536)) if (!line.overlong) parse(line.text);
 */
export async function* csvLines(
  input: AsyncIterable<Buffer | string> | Iterable<Buffer | string>,
  maxLineChars: number,
): AsyncGenerator<CsvLine> {
  const decoder = new TextDecoder('utf-8');
  let partial = '';
  let overlong = false;
  let number = 0;
  const line = (text: string): CsvLine => {
    number++;
    const trimmed = text.endsWith('\r') ? text.slice(0, -1) : text;
    const result = {
      number,
      text: overlong ? '' : number === 1 ? trimmed.replace(/^\uFEFF/, '') : trimmed,
      overlong,
    };
    overlong = false;
    return result;
  };
  for await (const chunk of input) {
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      const piece = overlong ? '' : partial + text.slice(start, end);
      partial = '';
      if (piece.length > maxLineChars) overlong = true;
      yield line(piece);
      start = end + 1;
    }
    if (!overlong) {
      partial += text.slice(start);
      if (partial.length > maxLineChars) {
        overlong = true;
        partial = '';
      }
    }
  }
  const rest = partial + decoder.decode();
  if (rest !== '' || overlong) yield line(overlong ? '' : rest);
}
