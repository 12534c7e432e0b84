// Placeholder: replaced by the page's own implementation.
export function LaunchPage(_props: { path: string }) {
  return <h1>Opening the record</h1>;
}
