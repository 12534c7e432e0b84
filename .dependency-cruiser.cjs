// Keeps DESIGN.md's module map true: imports point down the list only (type-only imports included).
const order = ['fhir', 'store', 'governance', 'identity', 'ingest', 'events', 'record', 'insight', 'server', 'cli'];
const allowed = {
  fhir: [],
  store: ['fhir'],
  governance: ['fhir', 'store'],
  identity: ['fhir', 'store'],
  ingest: ['fhir', 'store', 'identity'],
  events: ['fhir', 'store', 'governance'],
  record: ['fhir', 'store', 'identity', 'governance'],
  insight: ['fhir', 'store', 'governance'],
  server: order.slice(0, order.indexOf('server')),
  cli: order.slice(0, order.indexOf('cli')),
};
const forbidden = order.map((module) => {
  const others = order.filter((m) => m !== module && !allowed[module].includes(m));
  return {
    name: `${module}-imports-down-only`,
    comment: `src/${module} may import only: ${allowed[module].join(', ') || 'nothing else in src'}`,
    severity: 'error',
    from: { path: `^src/${module}/` },
    to: { path: `^src/(${others.join('|')})/` },
  };
});
module.exports = {
  forbidden: [
    ...forbidden,
    // The viewer runs in the browser: of the server's code it may share only the vocabulary (fhir/).
    { name: 'web-imports-fhir-only', comment: 'web/ may import only src/fhir (pure vocabulary)', severity: 'error', from: { path: '^web/' }, to: { path: '^src/(?!fhir/)' } },
    { name: 'no-test-code-in-src', severity: 'error', from: { path: '^src/', pathNot: '\\.test\\.ts$' }, to: { path: '^test/' } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: 'node_modules' },
  },
};
