import 'reflect-metadata';
import { ADAPTER_CLASSES } from '@app/channels/adapter-list';
import type { ChannelAdapter, ChannelCapabilities } from '@app/channels/channel-adapter';
import { ChannelRegistry } from '@app/channels/channel-registry';
import { AppConfig, loadConfig } from '@app/common/config/app-config';
import { parseCatalogue, StatsCatalogue } from '@app/stats/stats-catalogue';
import { channelLabelSource } from '../../apps/api/src/stats/stats-api.module';
import { readTestState } from '@app/test/utils/test-env';

/** The adapters: each built with a real config and inert stand-ins for its other dependencies. */
function adapters(): ChannelAdapter[] {
  const config = loadConfig({}, {
    ENCRYPTION_KEY: 'a'.repeat(64),
    JWT_SECRET: 'x'.repeat(20),
    REDIS_URL: readTestState().redisUrl,
    QUEUE_PREFIX: 'gdt-statscat',
  } as Partial<AppConfig>);
  return ADAPTER_CLASSES.map((C) => {
    const types: unknown[] = Reflect.getMetadata('design:paramtypes', C) ?? [];
    const args = types.map((t) => (t === AppConfig ? config : {}));
    return Reflect.construct(C, args) as ChannelAdapter;
  });
}

/**
 * Channel types are printed with the label their adapter declares, provided at run time by the api
 * (StatsModule.withChannelLabels in apps/api/src/stats/stats-api.module.ts); the catalogue file
 * (config/reports/_rows.yaml) holds only the national tables' report rows, so adding a channel touches
 * no statistics data.
 */
describe('the statistics catalogue and the channels', () => {
  const built = adapters();
  const caps: ChannelCapabilities[] = built.map((a) => a.capabilities);

  it('prints each channel type with the label its adapter declares, an added adapter included', () => {
    const added = { capabilities: { ...caps[0], type: 'addedapp', label: '新增客户端' } } as ChannelAdapter;
    const cat = new StatsCatalogue(channelLabelSource(new ChannelRegistry(built, [added])));
    for (const c of [...caps, added.capabilities]) expect({ type: c.type, label: cat.channelLabel(c.type) }).toEqual({ type: c.type, label: c.label });
    // a type no adapter of the process declares (a removed channel's old ledger rows) prints as its id
    expect(cat.channelLabel('retiredchannel')).toBe('retiredchannel');
  });

  it('without the app-provided source (a lone StatsModule), types print as their ids', () => {
    const cat = new StatsCatalogue();
    for (const c of caps) expect(cat.channelLabel(c.type)).toBe(c.type);
  });

  it('holds no channel labels: the file has report rows only and a channelLabels map is refused', () => {
    expect(() => parseCatalogue({ reportRows: [{ key: 'portal', label: '政府网站' }], channelLabels: { portal: '政府网站' } })).toThrow(/channelLabels/);
    expect(parseCatalogue({ reportRows: [{ key: 'portal', label: '政府网站' }] })).toEqual({ reportRows: [{ key: 'portal', label: '政府网站' }] });
  });

  it('has a row for every report row a channel declares', () => {
    const rows = new Set(new StatsCatalogue().reportRows.map((r) => r.key));
    for (const c of caps) expect({ type: c.type, row: rows.has(c.reportRow) }).toEqual({ type: c.type, row: true });
  });
});
