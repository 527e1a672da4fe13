import { BarChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

// Only the parts used: keeps the statistics chunk small.
echarts.use([BarChart, GridComponent, TooltipComponent, LegendComponent, AriaComponent, CanvasRenderer]);

export interface MonthlySeries {
  label: string;
  data: number[];
}

/** Items published per month and channel (distinct items per channel type, as the report counts them). */
export function MonthlyChart({ series, title }: { series: MonthlySeries[]; title: string }) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!el.current) return;
    const chart = echarts.init(el.current, undefined, { renderer: 'canvas' });
    chart.setOption({
      aria: { enabled: true },
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
  return <div ref={el} className="chart" role="img" aria-label={`${title}（数据见下表）`} data-testid="monthly-chart" />;
}
