import { BarChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

// Only the parts used: keeps the statistics chunk small.
echarts.use([BarChart, GridComponent, TooltipComponent, LegendComponent, CanvasRenderer]);

export interface MonthlySeries {
  label: string;
  data: number[];
}

/**
 * What a screen reader reads for the chart: the figures themselves, month by month per series
 * (ECharts' own aria description names data points by index and would replace this label).
 */
export function chartLabel(title: string, series: MonthlySeries[]): string {
  const parts = series.map((s) => {
    const total = s.data.reduce((a, b) => a + b, 0);
    if (total === 0) return `${s.label}：各月均为0条`;
    return `${s.label}：${s.data.map((v, i) => `${i + 1}月${v}条`).join('，')}`;
  });
  return `${title}。${parts.join('；')}。`;
}

/** Items published per month and channel (distinct items per channel type, as the report counts them). */
export function MonthlyChart({ series, title }: { series: MonthlySeries[]; title: string }) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!el.current) return;
    const chart = echarts.init(el.current, undefined, { renderer: 'canvas' });
    chart.setOption({
      // The card's heading names the chart; the legend goes on top.
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { top: 40, left: 40, right: 16, bottom: 30 },
      xAxis: { type: 'category', data: Array.from({ length: 12 }, (_, i) => `${i + 1}月`) },
      yAxis: { type: 'value', minInterval: 1 },
      series: series.map((s) => ({ name: s.label, type: 'bar', data: s.data })),
    });
    const ro = new ResizeObserver(() => chart.resize());
    ro.observe(el.current);
    return () => {
      ro.disconnect();
      chart.dispose();
    };
  }, [series, title]);
  // The label sits on a wrapper ECharts does not touch; the canvas inside is hidden from assistive technology.
  return (
    <div role="img" aria-label={chartLabel(title, series)} data-testid="monthly-chart">
      <div ref={el} className="chart" aria-hidden="true" />
    </div>
  );
}
