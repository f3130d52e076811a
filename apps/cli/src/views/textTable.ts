import Table from 'cli-table3';

/** Options of {@link textTable}. */
export interface TextTableOptions {
  /** Column alignment; numbers read best right-aligned. Default left for every column. */
  readonly align?: readonly ('left' | 'right')[];
  /** Draw no borders, only two spaces between columns (for `top`'s dense rows). */
  readonly borderless?: boolean;
}

// Without a colour style cli-table3 paints headers red on a TTY: keep output identical
// everywhere (and greppable).
const plainStyle = { head: [] as string[], border: [] as string[] };
const noBorder = {
  top: '',
  'top-mid': '',
  'top-left': '',
  'top-right': '',
  bottom: '',
  'bottom-mid': '',
  'bottom-left': '',
  'bottom-right': '',
  left: '',
  'left-mid': '',
  mid: '',
  'mid-mid': '',
  right: '',
  'right-mid': '',
  middle: '  ',
};

// Rows are one line each: a rule between every row would double the height of long lists.
const noRowLines = { 'left-mid': '', mid: '', 'mid-mid': '', 'right-mid': '' };

/**
 * A cli-table3 table as text, without colours.
 *
 * @example
 * textTable(['seq', 'price'], [[1, '187.25']], { align: ['right', 'right'] });
 */
export function textTable(
  head: readonly string[],
  rows: readonly (readonly (string | number)[])[],
  options: TextTableOptions = {},
): string {
  const table = new Table({
    head: [...head],
    style: options.borderless
      ? { ...plainStyle, 'padding-left': 0, 'padding-right': 0 }
      : plainStyle,
    chars: options.borderless ? noBorder : noRowLines,
    ...(options.align && { colAligns: [...options.align] }),
  });
  for (const row of rows) table.push([...row]);
  // Borderless rows keep cli-table3's trailing padding; trim it so lines compare exactly.
  return table
    .toString()
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n');
}
