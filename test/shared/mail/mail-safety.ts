/**
 * What mail clients drop or refuse, found in an email's HTML: external CSS and resources,
 * scripts, SVG, event handlers, styling that only a <style> block carries. Empty when clean.
 */
export const mailClientProblems = (html: string): string[] => {
  const problems: string[] = [];
  const forbidden: [RegExp, string][] = [
    [/<link\b/i, 'external stylesheet (<link>)'],
    [/@import/i, 'CSS @import'],
    [/url\s*\(/i, 'CSS url() (external resource)'],
    [/<script\b/i, 'script'],
    [/<svg\b/i, 'inline SVG'],
    [/<(iframe|object|embed|form|input|video|audio|canvas)\b/i, 'element mail clients strip'],
    [/<img\b/i, 'image (needs hosting, blocked by default)'],
  ];
  for (const [pattern, what] of forbidden) if (pattern.test(html)) problems.push(what);
  // Inside tags only: escaped text that reads "onerror=" is text, not an attribute.
  const tags = [...html.matchAll(/<[a-z][^>]*>/gi)].map(([tag]) => tag);
  if (tags.some((tag) => /\son[a-z]+\s*=/i.test(tag))) problems.push('event handler attribute');
  if (tags.some((tag) => /javascript:/i.test(tag))) problems.push('javascript: URL');

  // A <style> block may only add dark colours and narrow-screen tweaks (@media) and :root settings.
  for (const [, css] of html.matchAll(/<style[^>]*>([\s\S]*?)<\/style>/gi)) {
    let rest = css!;
    for (;;) {
      const at = rest.search(/@media[^{]*\{/);
      if (at < 0) break;
      let depth = 0;
      let end = rest.indexOf('{', at);
      for (; end < rest.length; end += 1) {
        if (rest[end] === '{') depth += 1;
        if (rest[end] === '}' && --depth === 0) break;
      }
      rest = rest.slice(0, at) + rest.slice(end + 1);
    }
    rest = rest.replace(/:root\s*\{[^}]*\}/g, '').trim();
    if (rest !== '') problems.push(`<style> rules outside @media: ${rest.slice(0, 80)}`);
  }

  // Every element that a class styles in dark mode, and every block that carries text, is styled inline.
  for (const [tag] of html.matchAll(/<(body|table|td|th|div|p|h1|h2|h3|span)\b[^>]*>/gi)) {
    if (!/\sstyle="[^"]+"/.test(tag!)) problems.push(`element without inline style: ${tag!.slice(0, 80)}`);
  }
  return problems;
};

/** The text of an HTML document as a reader sees it (tags dropped, entities decoded). */
export const visibleText = (html: string): string =>
  html
    .replace(/<style[\s\S]*?<\/style>/gi, '')
    .replace(/<title>[\s\S]*?<\/title>/gi, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');

/** WCAG relative luminance of a #rrggbb colour. */
const luminance = (hex: string) => {
  const [r, g, b] = [1, 3, 5]
    .map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
    .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
};

/** WCAG contrast ratio of two #rrggbb colours. */
export const contrast = (a: string, b: string) => {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
};
