// One NHS.UK table: a caption, column headers, and rows. It stays a table on a tablet held upright
// (clinicians scan columns); on a narrower screen its container scrolls sideways, not the page.
import type { ReactNode } from 'react';

export interface TableRow {
  key: string;
  cells: ReactNode[];
}

/** `captionHidden` when a heading just above already says what the caption says (screen readers still get it). */
export function DataTable({ caption, columns, rows, captionHidden = false }: { caption: string; columns: readonly string[]; rows: readonly TableRow[]; captionHidden?: boolean }) {
  return (
    <div className="nhsuk-table-container">
      <table className="nhsuk-table">
        <caption className={captionHidden ? 'nhsuk-u-visually-hidden' : 'nhsuk-table__caption nhsuk-table__caption--s'}>{caption}</caption>
        <thead className="nhsuk-table__head">
          <tr>
            {columns.map((c) => <th scope="col" className="nhsuk-table__header" key={c}>{c}</th>)}
          </tr>
        </thead>
        <tbody className="nhsuk-table__body">
          {rows.map((row) => (
            <tr className="nhsuk-table__row" key={row.key}>
              {row.cells.map((cell, i) => <td className="nhsuk-table__cell" key={columns[i]}>{cell}</td>)}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
