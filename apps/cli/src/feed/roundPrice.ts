/**
 * Rounds a price to a plausible quote grid: cents from 1 up, four significant digits below
 * (a 0.0023 coin trades in 0.0000001 steps, not cents). Never returns 0 or a non-finite value
 * for a positive finite input: when the grid would round it away, the input is kept.
 *
 * @param price - a finite number > 0
 * @returns the rounded price, > 0
 * @example
 * roundPrice(187.2549); // 187.25
 * roundPrice(0.00234567); // 0.002346
 */
export function roundPrice(price: number): number {
  let rounded: number;
  if (price >= 1) {
    rounded = Math.round(price * 100) / 100;
  } else {
    const scale = 10 ** (3 - Math.floor(Math.log10(price)));
    rounded = Math.round(price * scale) / scale;
  }
  return rounded > 0 && rounded < Number.POSITIVE_INFINITY ? rounded : price;
}
