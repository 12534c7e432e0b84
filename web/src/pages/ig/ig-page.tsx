// Placeholder: replaced by the page's own implementation.
export function IgPage(_props: { path: string }) {
  return <h1>Record access</h1>;
}
