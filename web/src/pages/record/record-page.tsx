// Placeholder: replaced by the page's own implementation.
export function RecordPage(_props: { path: string }) {
  return <h1>Record</h1>;
}
