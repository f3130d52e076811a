import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { actorHref } from '../router.js';

/**
 * A text field that opens a symbol's actor page (`#/actor/symbol/<SYMBOL>`).
 *
 * @example
 * html`<${SymbolPicker} />`
 */
export function SymbolPicker() {
  const [symbol, setSymbol] = useState('');
  const open = (event: Event) => {
    event.preventDefault();
    const s = symbol.trim();
    if (s !== '') location.hash = actorHref('symbol', s);
  };
  return html`
    <form class="symbol-picker" onSubmit=${open}>
      <input
        data-testid="symbol-input"
        placeholder="symbol, e.g. AAPL"
        value=${symbol}
        onInput=${(e: Event) => setSymbol((e.target as HTMLInputElement).value)}
        spellcheck="false"
        autocomplete="off"
      />
      <button type="submit" data-testid="symbol-open">Open actor</button>
    </form>
  `;
}
