import { describe, expect, it } from 'vitest';
import { escapeHtml, renderErrorPage, renderSignInPage } from './sign-in-page.ts';

describe('escapeHtml', () => {
  it('escapes the five characters that matter in content and quoted attributes', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });
});

describe('renderSignInPage', () => {
  const hostile = '"><script>alert(1)</script>';

  it('escapes every value it shows or carries', () => {
    const html = renderSignInPage({
      clientName: hostile, fields: [['state', hostile], [hostile, 'x']], choices: [{ username: hostile, displayName: hostile, description: hostile }],
      error: hostile, username: hostile, demoHint: hostile,
    });
    expect(html).not.toContain('<script>');
    expect(html).not.toMatch(/="[^"]*"><script/);
  });

  it('labels its inputs, names the app and announces errors', () => {
    const html = renderSignInPage({ clientName: 'Viewer', fields: [], choices: [], error: 'Wrong' });
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('<label for="username">');
    expect(html).toContain('autocomplete="current-password"');
    expect(html).toContain('<strong>Viewer</strong>');
    expect(html).toMatch(/role="alert"[\s\S]*Wrong/);
    expect(html).not.toContain('Demo users');
  });

  it('offers the demo users as one-click forms when there are any', () => {
    const html = renderSignInPage({ clientName: 'Viewer', fields: [['state', 's']], choices: [{ username: 'gp', displayName: 'Dr Tom Hale', description: 'GP' }] });
    expect(html).toContain('Demo users (development only)');
    expect(html).toContain('<button type="submit">Sign in as Dr Tom Hale</button>');
    expect(html).toContain('<input type="hidden" name="username" value="gp">');
  });
});

describe('renderErrorPage', () => {
  it('escapes the message', () => {
    expect(renderErrorPage('<b>')).toContain('&lt;b&gt;');
  });
});
