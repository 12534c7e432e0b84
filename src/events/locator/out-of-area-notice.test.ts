import { describe, expect, it } from 'vitest';
import type { MatchedBy } from './locator.ts';
import { escapeHtml, renderOutOfAreaNotice, type OutOfAreaNoticeInput } from './out-of-area-notice.ts';

const input = (over: Partial<OutOfAreaNoticeInput> = {}): OutOfAreaNoticeInput => ({
  council: { name: 'Derbyshire County Council', gss: 'E10000007' },
  person: { name: 'Joan Pemberton', nhsNumber: '9434765919', birthDate: '1939-11-22', addressLines: ['12 Church Lane', 'Ilkeston'], postcode: 'DE7 5AB' },
  hospital: { name: "Queen's Medical Centre", ward: 'Ward B3' },
  event: 'admission',
  occurredAt: '2025-07-01T13:05:00Z',
  reason: 'address',
  matchedBy: 'district',
  contact: { name: 'QMC discharge team', phone: '0115 496 0300', email: 'discharge.team@qmc.example' },
  reference: 'evt-42',
  ...over,
});

describe('renderOutOfAreaNotice', () => {
  it('says who, where, when and why, in a self-contained HTML document', () => {
    const { html } = renderOutOfAreaNotice(input());
    expect(html).toMatch(/^<!DOCTYPE html>\n<html lang="en">/);
    expect(html).toContain('<meta charset="utf-8">');
    for (const text of [
      'Joan Pemberton', '943 476 5919', '22 November 1939', '12 Church Lane, Ilkeston, DE7 5AB', 'Queen&#39;s Medical Centre', 'Ward B3',
      'was admitted to Ward B3, Queen&#39;s Medical Centre on 1 July 2025 at 14:05', // 13:05 UTC is 14:05 in British Summer Time
      'Their postcode district, DE7, is in your area in our locator table.',
      'Please contact QMC discharge team, telephone 0115 496 0300 or email discharge.team@qmc.example.',
      'Derbyshire County Council (E10000007)', 'evt-42',
    ]) expect(html).toContain(text);
    // Nothing to fetch or run: mail clients block both.
    expect(html).not.toMatch(/<script|<link|<img|src=|https?:/i);
  });

  it('escapes every value, so a name cannot inject markup', () => {
    const evil = '<script>alert("x")</script>';
    const { html, subject } = renderOutOfAreaNotice(input({
      council: { name: `Council ${evil}`, gss: 'E10000007' },
      person: { name: evil, nhsNumber: evil, birthDate: evil, addressLines: [evil], postcode: evil },
      hospital: { name: `A&E ${evil}`, ward: evil },
      occurredAt: evil,
      contact: { name: evil, phone: evil, email: evil },
      reference: evil,
    }));
    expect(html).not.toContain('<script');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).toContain('A&amp;E');
    // The subject is plain text for a mail header; the mailer encodes it, it is never HTML.
    expect(subject).toContain('A&E');
  });

  it('keeps the person out of the subject, and new lines out of it', () => {
    const { subject } = renderOutOfAreaNotice(input({ hospital: { name: 'QMC\r\nBcc: someone@else.example' }, reference: 'r-1\n' }));
    expect(subject).toBe('Hospital admission: a Derbyshire County Council resident at QMC Bcc: someone@else.example (ref r-1 )');
    expect(subject).not.toMatch(/Pemberton|9434765919|943 476 5919|[\r\n]/);
  });

  it.each([
    ['admission', 'Hospital admission', 'was admitted to'],
    ['transfer', 'Hospital transfer', 'was transferred to'],
    ['discharge', 'Hospital discharge', 'was discharged from'],
  ] as const)('words a %s', (event, title, verb) => {
    const { html, subject } = renderOutOfAreaNotice(input({ event }));
    expect(subject.startsWith(`${title}:`)).toBe(true);
    expect(html).toContain(`<h1>${title}: a resident of Derbyshire County Council</h1>`);
    expect(html).toContain(`Joan Pemberton ${verb} Ward B3`);
  });

  it.each([
    ['property', 'Their postcode, DE7 5AB, is shared with another council; this property is in your area'],
    ['postcode', 'Their postcode, DE7 5AB, is in your area'],
    ['sector', 'Their postcode sector, DE7 5, is in your area'],
    ['district', 'Their postcode district, DE7, is in your area'],
    ['area', 'Their postcode area, DE, is in your area in our locator table (a coarse match)'],
  ] as Array<[MatchedBy, string]>)('explains a %s match', (matchedBy, reason) => {
    expect(renderOutOfAreaNotice(input({ matchedBy })).html).toContain(reason);
  });

  it('explains an open episode, and an address match without the detail', () => {
    expect(renderOutOfAreaNotice(input({ reason: 'open-episode' })).html).toContain('Your council has an open episode of care for this person');
    const { matchedBy: _, ...withoutMatch } = input();
    expect(renderOutOfAreaNotice(withoutMatch).html).toContain('Their address is in your area in our locator table.');
  });

  it('leaves out what is not known, and shows unreadable dates as given', () => {
    const { html } = renderOutOfAreaNotice(input({
      person: { name: 'Joan Pemberton', addressLines: [], postcode: '' },
      hospital: { name: 'QMC' },
      occurredAt: 'unknown',
      contact: { name: 'the ward' },
    }));
    expect(html).not.toContain('NHS number');
    expect(html).not.toContain('Date of birth');
    expect(html).not.toContain('>Ward<');
    expect(html).not.toContain('>Address<');
    expect(html).toContain('was admitted to QMC on unknown.');
    expect(html).toContain('Please contact the ward.');
  });
});

describe('escapeHtml', () => {
  it('escapes the five characters that matter in content and attributes', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });
});
