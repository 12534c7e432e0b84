// A table cell for when something happened: the date over the time, so the column stays narrow.
import { dateAndTime } from './display-formats.ts';

export function WhenCell({ at }: { at: string }) {
  const [date, time] = dateAndTime(at);
  return (
    <td className="nhsuk-table__cell">
      <time dateTime={at}><span className="sc-nowrap">{date}</span><br />{time}</time>
    </td>
  );
}
