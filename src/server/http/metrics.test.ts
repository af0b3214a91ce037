import { describe, expect, it } from 'vitest';
import { MetricsRegistry } from './metrics.js';

describe('metrics registry', () => {
  it('renders counters, histograms and gauges in Prometheus text format', async () => {
    const registry = new MetricsRegistry();
    const counter = registry.counter('x_total', 'things');
    counter.inc({ route: '/a' });
    counter.inc({ route: '/a' }, 2);
    counter.inc({ route: 'say "hi"\n' });
    const histogram = registry.histogram('lat_seconds', 'latency', [0.1, 1]);
    histogram.observe({ route: '/a' }, 0.05);
    histogram.observe({ route: '/a' }, 0.5);
    histogram.observe({ route: '/a' }, 5);
    registry.gauge('g', 'a gauge', () => [{ labels: {}, value: 7 }]);
    registry.collectAsync(async () => '# TYPE async gauge\nasync 1');
    const text = await registry.render();
    expect(text).toContain('# TYPE x_total counter\nx_total{route="/a"} 3\n');
    expect(text).toContain('x_total{route="say \\"hi\\"\\n"} 1');
    expect(text).toContain('lat_seconds_bucket{route="/a",le="0.1"} 1');
    expect(text).toContain('lat_seconds_bucket{route="/a",le="1"} 2');
    expect(text).toContain('lat_seconds_bucket{route="/a",le="+Inf"} 3');
    expect(text).toContain('lat_seconds_sum{route="/a"} 5.55');
    expect(text).toContain('lat_seconds_count{route="/a"} 3');
    expect(text).toContain('g 7');
    expect(text.endsWith('async 1\n')).toBe(true);
  });
});
