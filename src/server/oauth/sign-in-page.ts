// The sign-in page of the built-in identity provider and the authorisation error page: plain,
// accessible HTML (labels, one heading order, an alert for errors) with every value escaped.
import type { SignInChoice } from './identity-provider.ts';

/** Escapes text for HTML element content and double-quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const STYLE = `body{font-family:Arial,sans-serif;line-height:1.5;margin:0;color:#212b32;background:#f0f4f5}
main{max-width:40rem;margin:2rem auto;padding:1.5rem;background:#fff}
label{display:block;font-weight:bold;margin-top:1rem}input{font-size:1rem;padding:.4rem;width:100%;max-width:20rem;border:2px solid #4c6272}
button{margin-top:1rem;font-size:1rem;padding:.5rem 1rem;background:#007f3b;color:#fff;border:0;cursor:pointer}
button:focus,input:focus{outline:3px solid #ffeb3b}.error{border-left:5px solid #d5281b;padding:.5rem 1rem;margin:1rem 0}
ul{padding:0;list-style:none}li{margin:.5rem 0}li form{display:inline}li button{margin:0 .5rem 0 0;background:#005eb8}`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} – sharedcare</title><style>${STYLE}</style></head>
<body><main>${body}</main></body></html>`;
}

const hidden = (fields: ReadonlyArray<readonly [string, string]>): string =>
  fields.map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`).join('');

export interface SignInPage {
  clientName: string;
  /** The authorisation request, carried through the form and checked again when it comes back. */
  fields: ReadonlyArray<readonly [string, string]>;
  choices: readonly SignInChoice[];
  /** Shown above the form after a failed attempt. */
  error?: string;
  username?: string;
  /** Shown with the one-click demo users. */
  demoHint?: string;
}

function demoSection(view: SignInPage): string {
  if (view.choices.length === 0) return '';
  const items = view.choices.map((c) => `<li><form method="post" action="authorize">${hidden([...view.fields, ['username', c.username], ['password', 'demo']])}`
    + `<button type="submit">Sign in as ${escapeHtml(c.displayName)}</button>${escapeHtml(c.description)}</form></li>`).join('\n');
  return `<section aria-labelledby="demo-users"><h2 id="demo-users">Demo users (development only)</h2>
<p>${escapeHtml(view.demoHint ?? '')} Synthetic people; never use these on a live system.</p><ul>${items}</ul></section>`;
}

/** The sign-in form, with the demo users to pick from when the provider offers them. */
export function renderSignInPage(view: SignInPage): string {
  const error = view.error ? `<div class="error" role="alert"><h2>There is a problem</h2><p>${escapeHtml(view.error)}</p></div>` : '';
  return page('Sign in', `<h1>Sign in to sharedcare</h1>
<p><strong>${escapeHtml(view.clientName)}</strong> is asking to use the shared care record for you.</p>${error}
<form method="post" action="authorize">${hidden(view.fields)}
<label for="username">User name</label><input id="username" name="username" autocomplete="username" required value="${escapeHtml(view.username ?? '')}">
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button></form>
${demoSection(view)}`);
}

/** An authorisation request that cannot be answered by redirecting back to the app. */
export function renderErrorPage(message: string): string {
  return page('Sign-in request refused', `<h1>This sign-in request cannot be used</h1>
<div class="error" role="alert"><p>${escapeHtml(message)}</p></div>
<p>Go back to the app you came from and try again. If this keeps happening, tell the app's supplier.</p>`);
}
