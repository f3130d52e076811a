import { html } from 'htm/preact';
import {
  CandlestickSeries,
  createChart,
  type IChartApi,
  type ISeriesApi,
  type UTCTimestamp,
} from 'lightweight-charts';
import { useEffect, useRef } from 'preact/hooks';

/** The fields of a candle the chart draws. */
export interface ChartCandle {
  readonly start: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
}

interface CandleChartProps {
  /** Candles oldest first, unique starts; replaced wholesale when `reset` changes. */
  readonly candles: readonly ChartCandle[];
  /** Changes when the symbol or timeframe changes: the series is set anew. */
  readonly reset: string;
}

/**
 * A candlestick chart (lightweight-charts) of one symbol and timeframe. The initial candles
 * come from the actor's query reply; later ones from `md.candle` updates: the last bar is
 * updated in place, a newer one appended.
 *
 * @example
 * html`<${CandleChart} candles=${candles} reset=${`${symbol}/${tf}`} />`
 */
export function CandleChart({ candles, reset }: CandleChartProps) {
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<IChartApi | null>(null);
  const series = useRef<ISeriesApi<'Candlestick'> | null>(null);
  const drawn = useRef<{ reset: string; last: number; count: number }>({
    reset: '',
    last: 0,
    count: 0,
  });

  useEffect(() => {
    const el = container.current;
    if (el === null) return;
    chart.current = createChart(el, {
      autoSize: true,
      layout: { background: { color: '#151a23' }, textColor: '#c9d1dc' },
      grid: { vertLines: { color: '#232a36' }, horzLines: { color: '#232a36' } },
      timeScale: { timeVisible: true, secondsVisible: false, barSpacing: 12, rightOffset: 4 },
    });
    series.current = chart.current.addSeries(CandlestickSeries, {
      upColor: '#5ec26a',
      downColor: '#e05d5d',
      wickUpColor: '#5ec26a',
      wickDownColor: '#e05d5d',
      borderVisible: false,
    });
    return () => {
      chart.current?.remove();
      chart.current = null;
      series.current = null;
      drawn.current = { reset: '', last: 0, count: 0 };
    };
  }, []);

  useEffect(() => {
    const s = series.current;
    if (s === null) return;
    const d = drawn.current;
    const bars = candles.map(toBar);
    const newest = candles[candles.length - 1]?.start ?? 0;
    if (d.reset !== reset || newest < d.last || candles.length < d.count) {
      s.setData(bars);
      // A few bars stretched over the whole width read badly: fit only a real history.
      if (bars.length > 60) chart.current?.timeScale().fitContent();
      else chart.current?.timeScale().scrollToRealTime();
    } else {
      // Updates only touch the last bar or add newer ones: update() is what the library is made for.
      for (const bar of bars.slice(Math.max(0, d.count - 1))) s.update(bar);
    }
    drawn.current = { reset, last: newest, count: candles.length };
    container.current?.setAttribute('data-bars', String(candles.length));
  }, [candles, reset]);

  return html`<div ref=${container} class="candle-chart" data-testid="candle-chart" data-bars="0"></div>`;
}

function toBar(c: ChartCandle) {
  return {
    time: Math.floor(c.start / 1000) as UTCTimestamp,
    open: c.open,
    high: c.high,
    low: c.low,
    close: c.close,
  };
}
