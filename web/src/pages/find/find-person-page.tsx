// Placeholder: replaced by the page's own implementation.
export function FindPersonPage(_props: { path: string }) {
  return <h1>Find a person</h1>;
}
