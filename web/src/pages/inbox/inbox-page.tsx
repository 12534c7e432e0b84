// Placeholder: replaced by the page's own implementation.
export function InboxPage(_props: { path: string }) {
  return <h1>Team inbox</h1>;
}
