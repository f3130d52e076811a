/**
 * A small, fast, seeded pseudo-random generator: sfc32 (Chris Doty-Humphrey's "small fast
 * chaotic" generator, 128 bits of state, passes PractRand to 2^42+ bytes), seeded through
 * splitmix32 so that neighbouring seeds (1, 2, 3) give unrelated streams.
 *
 * Written here rather than taken from a library: the simulator needs only uniform and normal
 * deviates with a stable sequence per seed; `pure-rand` (fast-check's generator) is not a
 * runtime dependency of the CLI, and a dozen lines fix the sequence forever, whatever a
 * library's next major version does. `Math.random` cannot be seeded.
 *
 * @example
 * const random = new SeededRandom(42);
 * random.next(); // in [0, 1), the same for every SeededRandom(42)
 * random.normal(); // a standard normal deviate
 */
export class SeededRandom {
  #a: number;
  #b: number;
  #c: number;
  #d: number;
  /** The second deviate of the last polar pair, or NaN when there is none. */
  #spare = Number.NaN;

  /**
   * @param seed - any number; its integer part (mod 2^32) is the seed
   */
  constructor(seed: number) {
    let state = Math.trunc(seed) >>> 0;
    const mix = (): number => {
      state = (state + 0x9e3779b9) | 0;
      let z = state;
      z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
      z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
      return (z ^ (z >>> 15)) >>> 0;
    };
    this.#a = mix();
    this.#b = mix();
    this.#c = mix();
    this.#d = mix();
    // sfc32's recommended warm-up: the first outputs of a fresh state are poorly mixed.
    for (let i = 0; i < 12; i++) this.uint32();
  }

  /**
   * The next 32-bit unsigned integer.
   *
   * @example
   * new SeededRandom(1).uint32(); // an integer in [0, 2^32)
   */
  uint32(): number {
    const a = this.#a;
    const b = this.#b;
    const c = this.#c;
    const d = this.#d;
    const t = (((a + b) | 0) + d) | 0;
    this.#d = (d + 1) | 0;
    this.#a = b ^ (b >>> 9);
    this.#b = (c + (c << 3)) | 0;
    this.#c = (((c << 21) | (c >>> 11)) + t) | 0;
    return t >>> 0;
  }

  /**
   * A uniform deviate in [0, 1) with 32 bits of resolution.
   *
   * @example
   * if (random.next() < 0.1) makeOption();
   */
  next(): number {
    return this.uint32() / 4_294_967_296;
  }

  /**
   * A uniform integer in [0, n).
   *
   * @example
   * const index = random.int(list.length);
   */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /**
   * A uniform deviate in [min, max).
   *
   * @example
   * random.between(0.8, 1.2);
   */
  between(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /**
   * A standard normal deviate (mean 0, variance 1), by Marsaglia's polar method: no
   * trigonometry, and every second call is free.
   *
   * @example
   * price *= Math.exp(volatility * random.normal());
   */
  normal(): number {
    const spare = this.#spare;
    if (!Number.isNaN(spare)) {
      this.#spare = Number.NaN;
      return spare;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.next() - 1;
      v = 2 * this.next() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const factor = Math.sqrt((-2 * Math.log(s)) / s);
    this.#spare = v * factor;
    return u * factor;
  }
}
