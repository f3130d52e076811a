/** A column of {@link markdownTable}. */
export interface TableColumn {
  readonly title: string;
  /** Default left. */
  readonly align?: 'left' | 'right';
}

/**
 * A Markdown table laid out as Biome formats Markdown (cells padded to the column's width,
 * right-aligned columns padded on the left, the rule row as wide as the column), so that
 * generated docs pass `biome ci` as written. Pipes in cells are escaped, newlines flattened.
 *
 * @returns the table's lines
 * @example
 * markdownTable([{ title: 'figure' }, { title: 'value', align: 'right' }], [['ingest', '25k']]);
 * // ['| figure | value |', '| ------ | ----: |', '| ingest |   25k |']
 */
export function markdownTable(
  columns: readonly TableColumn[],
  rows: readonly (readonly string[])[],
): string[] {
  const cells = rows.map((row) => columns.map((_, i) => escapeCell(row[i] ?? '')));
  const titles = columns.map((c) => escapeCell(c.title));
  // Biome keeps at least three dashes (four with a colon) in the rule row.
  const widths = columns.map((c, i) =>
    Math.max(
      c.align === 'right' ? 4 : 3,
      width(titles[i] as string),
      ...cells.map((row) => width(row[i] as string)),
    ),
  );
  const line = (values: readonly string[]) =>
    `| ${values
      .map((v, i) => {
        const pad = ' '.repeat((widths[i] as number) - width(v));
        return columns[i]?.align === 'right' ? pad + v : v + pad;
      })
      .join(' | ')} |`;
  const rule = `| ${widths
    .map((w, i) => (columns[i]?.align === 'right' ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w)))
    .join(' | ')} |`;
  return [line(titles), rule, ...cells.map(line)];
}

function escapeCell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

/** Characters as a monospace editor shows them (code points; no wide characters here). */
function width(text: string): number {
  return [...text].length;
}
