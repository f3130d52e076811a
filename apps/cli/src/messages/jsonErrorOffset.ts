/**
 * The offset of the first character that makes `text` invalid JSON (RFC 8259): `text.length`
 * when it ends too early, `-1` when it is valid. `JSON.parse` names a position for some
 * mistakes only ("Unexpected token '}', ... is not valid JSON" has none); this scanner finds
 * it for all. Iterative, so deep nesting cannot overflow the stack.
 *
 * @example
 * jsonErrorOffset('{"a":}'); // 5
 * jsonErrorOffset('[1, 2'); // 5
 * jsonErrorOffset('[1, 2]'); // -1
 */
export function jsonErrorOffset(text: string): number {
  const scanner = new Scanner(text);
  return scanner.run() ? -1 : scanner.at;
}

const escapes = '"\\/bfnrt';

class Scanner {
  at = 0;
  readonly #text: string;
  // The open containers, innermost last.
  readonly #open: ('[' | '{')[] = [];
  // A container has just opened and its first member comes next.
  #opened = false;

  constructor(text: string) {
    this.#text = text;
  }

  run(): boolean {
    if (!this.#value()) return false;
    for (;;) {
      const top = this.#open.at(-1);
      if (this.#opened && top !== undefined) {
        this.#opened = false;
        if (!this.#member(top)) return false;
        continue;
      }
      this.#ws();
      if (top === undefined) return this.at === this.#text.length;
      const c = this.#text[this.at];
      if (c === (top === '[' ? ']' : '}')) {
        this.#open.pop();
        this.at++;
        continue;
      }
      if (c !== ',') return false;
      this.at++;
      if (!this.#member(top)) return false;
    }
  }

  // One array element or object member; a container it opens is scanned by `run`'s loop.
  #member(container: '[' | '{'): boolean {
    if (container === '{' && !this.#key()) return false;
    return this.#value();
  }

  #value(): boolean {
    this.#ws();
    const text = this.#text;
    const c = text[this.at];
    if (c === '"') return this.#string();
    if (c === '[' || c === '{') {
      this.at++;
      this.#ws();
      // An empty container closes at once; otherwise `run` scans its first member.
      if (text[this.at] === (c === '[' ? ']' : '}')) {
        this.at++;
        return true;
      }
      this.#open.push(c);
      this.#opened = true;
      return true;
    }
    const word = c === 't' ? 'true' : c === 'f' ? 'false' : c === 'n' ? 'null' : undefined;
    if (word === undefined) return this.#number();
    // Letter by letter, so "tru" or "fa1se" fails at the letter that is wrong.
    for (const letter of word) {
      if (text[this.at] !== letter) return false;
      this.at++;
    }
    return true;
  }

  // Step by step, so a cut-off number ("1.", "-", "2e+") fails where its missing digit is.
  #number(): boolean {
    const text = this.#text;
    if (text[this.at] === '-') this.at++;
    if (text[this.at] === '0') this.at++;
    else if (!this.#digits()) return false;
    if (text[this.at] === '.') {
      this.at++;
      if (!this.#digits()) return false;
    }
    if (text[this.at] === 'e' || text[this.at] === 'E') {
      this.at++;
      if (text[this.at] === '+' || text[this.at] === '-') this.at++;
      if (!this.#digits()) return false;
    }
    return true;
  }

  #digits(): boolean {
    const start = this.at;
    while (this.at < this.#text.length && isDigit(this.#text.charCodeAt(this.at))) this.at++;
    return this.at > start;
  }

  #key(): boolean {
    this.#ws();
    if (this.#text[this.at] !== '"' || !this.#string()) return false;
    this.#ws();
    if (this.#text[this.at] !== ':') return false;
    this.at++;
    return true;
  }

  #string(): boolean {
    const text = this.#text;
    this.at++; // the opening quote
    while (this.at < text.length) {
      const c = text.charCodeAt(this.at);
      if (c === 0x22) {
        this.at++;
        return true;
      }
      if (c < 0x20) return false;
      if (c !== 0x5c) {
        this.at++;
        continue;
      }
      const escaped = text[this.at + 1];
      if (escaped === undefined) return false;
      if (escaped === 'u') {
        // Fails at the first character that is not one of the four hex digits.
        this.at += 2;
        for (let n = 0; n < 4; n++, this.at++) {
          if (!/[0-9a-fA-F]/.test(text[this.at] ?? '')) return false;
        }
      } else if (escapes.includes(escaped)) {
        this.at += 2;
      } else {
        this.at++;
        return false;
      }
    }
    return false;
  }

  #ws(): void {
    const text = this.#text;
    while (this.at < text.length && ' \t\n\r'.includes(text[this.at] as string)) this.at++;
  }
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}
