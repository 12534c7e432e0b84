// Placeholder: replaced by the page's own implementation.
export function CitizenPage(_props: { path: string }) {
  return <h1>My record</h1>;
}
