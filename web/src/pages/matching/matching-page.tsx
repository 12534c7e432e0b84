// Placeholder: replaced by the page's own implementation.
export function MatchingPage(_props: { path: string }) {
  return <h1>Matching review</h1>;
}
