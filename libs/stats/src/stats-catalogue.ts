import { Inject, Injectable, Optional } from '@nestjs/common';
import * as fs from 'fs';
import * as path from 'path';
import { load } from 'js-yaml';
import { CHANNEL_LABELS, type ChannelLabelSource } from './channel-labels';
import { reportsDir } from './template-registry.service';

/** The catalogue file beside the templates (config/reports/_rows.yaml). */
export const CATALOGUE_FILE = '_rows.yaml';

export interface ReportRowDef {
  key: string;
  label: string;
}

const KEY_RE = /^[a-z][a-z0-9_-]{0,39}$/;

/**
 * What the statistics print beside their channel figures: the report rows of the national tables in
 * order, with labels (data, `_rows.yaml`), and the labels of channel types (the channels' own, through
 * the ChannelLabelSource the app provides). Which row a publication counts in is not here: the ledger
 * row carries it (written from the channel's capabilities).
 */
@Injectable()
export class StatsCatalogue {
  readonly reportRows: readonly ReportRowDef[];

  constructor(@Optional() @Inject(CHANNEL_LABELS) private readonly labels: ChannelLabelSource | null = null) {
    const raw = load(fs.readFileSync(path.join(reportsDir(), CATALOGUE_FILE), 'utf8')) as { reportRows?: unknown } | null;
    this.reportRows = parseCatalogue(raw).reportRows;
  }

  /** A channel type's printed name: its channel's label; its type id when no channel of this process declares it. */
  channelLabel(channelType: string): string {
    return this.labels?.channelLabel(channelType) ?? channelType;
  }

  /** A report row's printed name; its key when the catalogue has none. */
  rowLabel(row: string): string {
    return this.reportRows.find((r) => r.key === row)?.label ?? row;
  }
}

/**
 * Validates the parsed catalogue; a malformed one stops start-up like a broken template. Channel labels
 * are the channels' own declarations: a `channelLabels` map here (as the catalogue once had) is refused
 * rather than silently ignored.
 */
export function parseCatalogue(raw: { reportRows?: unknown; channelLabels?: unknown } | null): { reportRows: ReportRowDef[] } {
  const fail = (msg: string): never => {
    throw new Error(`${CATALOGUE_FILE}: ${msg}`);
  };
  if (!raw || typeof raw !== 'object') fail('not an object');
  const rows = Array.isArray(raw!.reportRows) ? (raw!.reportRows as { key?: unknown; label?: unknown }[]) : fail('reportRows must be a list');
  const reportRows = rows.map((r) => {
    if (typeof r?.key !== 'string' || !KEY_RE.test(r.key)) fail(`bad report row key ${JSON.stringify(r?.key)}`);
    if (typeof r.label !== 'string' || !r.label) fail(`report row ${String(r.key)}: label missing`);
    return { key: r.key as string, label: r.label as string };
  });
  if (new Set(reportRows.map((r) => r.key)).size !== reportRows.length) fail('duplicate report row');
  if (raw!.channelLabels !== undefined)
    fail('channelLabels is no longer read: a channel type is printed with the label its adapter declares (capabilities.label)');
  return { reportRows };
}
