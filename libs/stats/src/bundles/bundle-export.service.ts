import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppError } from '@app/common/errors/app-error';
import type { Organisation } from '@app/domain/entities/organisation.entity';
import { reopenedVariant } from '../freeze-history';
import { yearPeriod } from '../period';
import { ReportService } from '../report.service';
import { BUNDLE_FORMAT, BundleDrillCell, BundleEnvelope, BundleManualEntry, BundlePayload } from './bundle.types';
import { canonicalDigest, canonicalJson } from './canonical-json';
import { signText } from './ed25519-keys';
import { InstallationKeyService } from './installation-key.service';

/**
 * A frozen report as a signed bundle for the level above: the stored figures, the manual entries with
 * who entered them, the sign-off, per computed cell the items behind it as of the freeze (publications
 * recorded after it are left out) with a sha-256 digest of the list, and the checks; signed with the
 * installation's Ed25519 key over the canonical JSON of all that.
 */
@Injectable()
export class BundleExportService {
  constructor(
    private readonly reports: ReportService,
    private readonly keys: InstallationKeyService,
    @InjectDataSource() private readonly ds: DataSource,
  ) {}

  template(id: string) {
    return this.reports.template(id);
  }

  async export(tplId: string, org: Organisation, subtree: boolean, year: number): Promise<BundleEnvelope> {
    const tpl = this.reports.template(tplId);
    const frozen = tpl.annual ? await this.reports.findFrozen(tpl.id, org.id, year, subtree) : null;
    if (!frozen || frozen.subtree !== subtree || !frozen.report.frozen || !frozen.report.signoff) {
      // Reopened (退回重填) and not signed off again: the retired freeze is history and is never sent.
      const reopened = !frozen && tpl.annual && (await reopenedVariant(this.ds, tpl.id, org.id, year, subtree)) !== null;
      throw AppError.conflict(
        'REPORT_NOT_FROZEN',
        `「${org.name}」${year}年度${tpl.title}${subtree ? '（含下级）' : '（本级）'}${reopened ? '已重新打开（退回重填），重新封存后才能生成报送包' : '尚未封存，封存后才能生成报送包'}`,
        [{ field: 'year', reason: reopened ? '已重新打开，尚未重新封存' : frozen ? `已封存的是${frozen.subtree ? '含下级' : '本级'}报表` : '尚未封存' }],
      );
    }
    const report = frozen.report;
    const period = yearPeriod(year);
    const drill: Record<string, BundleDrillCell> = {};
    for (const { cell } of tpl.cellIndex.values()) {
      if (!cell.metric) continue;
      const d = await this.reports.drill(tpl.id, org, subtree, period, cell.id, { limit: 1_000_000, offset: 0 });
      const items = d.items
        .filter((i) => i.afterFreeze !== true)
        .map((i) => ({ itemId: i.itemId, indexNo: i.indexNo, title: i.title, organisationName: i.organisationName }));
      const value = report.values[cell.id] ?? 0;
      if (items.length !== value) {
        throw AppError.conflict('BUNDLE_DRILL_MISMATCH', `单元格 ${cell.id} 的明细（${items.length}条）与封存数（${value}）不一致，不能生成报送包`, [
          { field: `drill.${cell.id}`, reason: `明细${items.length}条，封存数${value}` },
        ]);
      }
      drill[cell.id] = { count: items.length, digest: canonicalDigest(items), items };
    }
    const manual: BundleManualEntry[] = [];
    for (const t of report.tables)
      for (const s of t.sections)
        for (const r of s.rows)
          for (const c of r.cells)
            if (c.source === 'manual' && c.value !== null)
              manual.push({ cellId: c.id, value: c.value, enteredBy: c.enteredBy ?? null, enteredAt: c.enteredAt ?? null });
    const { view, privateKey } = await this.keys.get();
    const payload: BundlePayload = {
      format: BUNDLE_FORMAT,
      exportedAt: new Date().toISOString(),
      signer: { keyId: view.keyId, publicKey: view.publicKey },
      template: { id: tpl.id, title: tpl.title, layout: tpl.layout },
      organisation: { id: org.id, name: org.name, code: org.code },
      subtree,
      period: { year, from: period.from, to: period.to },
      frozen: report.frozen!,
      signoff: report.signoff!,
      figures: report.values,
      manual,
      drill,
      checks: report.checks,
    };
    // JSON round trip: what is signed is exactly what the receiver will parse (no undefined members, Dates as strings).
    const plain = JSON.parse(JSON.stringify(payload)) as BundlePayload;
    return { payload: plain, signature: { alg: 'Ed25519', keyId: view.keyId, value: signText(canonicalJson(plain), privateKey) } };
  }
}
