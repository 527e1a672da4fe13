import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'crypto';
import { DataSource } from 'typeorm';
import { AppError } from '@app/common/errors/app-error';
import type { AuthUser } from '@app/common/auth/auth-user';
import type { Organisation } from '@app/domain/entities/organisation.entity';
import { AuditService } from '@app/domain/services/audit.service';
import type { ReportTemplate } from '../report-template';
import { TemplateRegistry } from '../template-registry.service';
import { BundleStatusView, BundleSummary, SENDER_STATUS_LABELS, SenderStatus, SenderStatusRow, SenderView, SendersView } from './bundle.types';
import { BUNDLE_COLUMNS, BundleRow, bundleSummary, SenderRow, senderView } from './bundle-rows';
import { canonicalDigest } from './canonical-json';
import { parsePublicKey } from './ed25519-keys';
import { assertPeriod, assertSignature, parseEnvelope, verifyContent } from './bundle-verify';
import { InstallationKeyService } from './installation-key.service';
import { addToBundleTotals } from './bundle-aggregate.service';

const audit = new AuditService();
/** Arbitrary, fixed first key of the advisory lock that serialises imports of one sender, template and year. */
const BUNDLE_LOCK_KEY = 727274106;

/**
 * The receiving side of upward reporting: the senders an organisation accepts bundles from (their public
 * keys), imports (verified before anything is written: key, signature, period, digests, arithmetic),
 * 退回 with comments, 采纳, and each sender's status for a year.
 */
@Injectable()
export class BundleStoreService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly templates: TemplateRegistry,
    private readonly keys: InstallationKeyService,
  ) {}

  async senders(org: Organisation): Promise<SendersView> {
    const rows: SenderRow[] = await this.ds.query(`SELECT * FROM stats_bundle_senders WHERE receiver_org_id = $1 ORDER BY name, created_at`, [org.id]);
    return { installation: (await this.keys.get()).view, senders: rows.map(senderView) };
  }

  async registerSender(org: Organisation, body: { name?: unknown; publicKey?: unknown }, user: AuthUser): Promise<SenderView> {
    const name = typeof body.name === 'string' ? body.name.trim() : '';
    const parsed = typeof body.publicKey === 'string' ? parsePublicKey(body.publicKey) : null;
    const problems = [];
    if (!name || name.length > 100) problems.push({ field: 'name', reason: name ? '报送单位名称过长（最多100字）' : '请填写报送单位名称' });
    if (!parsed) problems.push({ field: 'publicKey', reason: '不是有效的签名公钥（请粘贴下级在“上报汇总”页面“本安装实例的公钥”中显示的内容）' });
    if (problems.length) throw AppError.validation(problems);
    return this.ds.transaction(async (em) => {
      const rows: SenderRow[] = await em.query(
        `INSERT INTO stats_bundle_senders (receiver_org_id, name, key_id, public_key, created_by) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (receiver_org_id, key_id) DO NOTHING RETURNING *`,
        [org.id, name, parsed!.keyId, parsed!.raw.toString('base64'), user.id],
      );
      if (!rows.length) throw AppError.conflict('SENDER_EXISTS', '该公钥已登记', [{ field: 'publicKey', reason: '该公钥已登记' }]);
      await audit.record(em, {
        actorId: user.id,
        action: 'stats.sender_register',
        entityType: 'stats_bundle_sender',
        entityId: rows[0].id,
        organisationId: org.id,
        details: { name, keyId: parsed!.keyId },
      });
      return senderView(rows[0]);
    });
  }

  private template(id: string): ReportTemplate | null {
    return this.templates.list().find((t) => t.id === id) ?? null;
  }

  /** Verifies and stores a bundle for `org`'s `year`; nothing is written when any check fails. */
  async import(org: Organisation, year: number, expectedTemplate: string | undefined, raw: unknown, user: AuthUser): Promise<BundleSummary> {
    const env = parseEnvelope(raw);
    const pl = env.payload;
    const senders: SenderRow[] = await this.ds.query(`SELECT * FROM stats_bundle_senders WHERE receiver_org_id = $1 AND key_id = $2`, [
      org.id,
      env.signature.keyId,
    ]);
    if (!senders.length) {
      throw AppError.unprocessable('BUNDLE_UNKNOWN_KEY', `报送包的签名公钥未登记为「${org.name}」的报送单位，请系统管理员先登记其公钥`, [
        { field: 'bundle.signature.keyId', reason: '未登记的报送单位公钥' },
      ]);
    }
    const sender = senders[0];
    assertSignature(env, parsePublicKey(sender.public_key)!.key);
    if (pl.signer?.keyId !== sender.key_id) {
      throw AppError.unprocessable('BUNDLE_TAMPERED', '报送包所列签名单位与签名密钥不符', [
        { field: 'bundle.payload.signer', reason: '签名单位与签名密钥不符' },
      ]);
    }
    assertPeriod(env, year);
    if (expectedTemplate && pl.template.id !== expectedTemplate) {
      throw AppError.unprocessable(
        'BUNDLE_WRONG_TEMPLATE',
        `报送包是「${pl.template.title ?? '未知报表'}」，本次收取的是「${this.template(expectedTemplate)?.title ?? '其他报表'}」`,
        [{ field: 'bundle.payload.template', reason: `应为「${this.template(expectedTemplate)?.title ?? '其他报表'}」` }],
      );
    }
    const tpl = this.template(pl.template.id);
    if (!tpl || !tpl.annual) {
      throw AppError.unprocessable('BUNDLE_WRONG_TEMPLATE', `本级没有年度报表「${pl.template.title ?? '未知报表'}」的模板，不能收取该报送包`, [
        { field: 'bundle.payload.template', reason: '本级没有该年度报表模板' },
      ]);
    }
    verifyContent(env, tpl);
    const figures: Record<string, number> = {};
    for (const { cell } of tpl.cellIndex.values()) {
      const v = pl.figures[cell.id];
      if (!cell.sum && v !== null && v !== undefined) figures[cell.id] = v;
    }
    return this.ds.transaction(async (em) => {
      await em.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [BUNDLE_LOCK_KEY, `${sender.id}/${tpl.id}/${year}`]);
      const current: BundleRow[] = await em.query(
        `SELECT ${BUNDLE_COLUMNS} FROM stats_bundles b WHERE b.sender_id = $1 AND b.template_id = $2 AND b.year = $3 AND b.superseded_by IS NULL`,
        [sender.id, tpl.id, year],
      );
      if (current.length && current[0].status !== 'returned') {
        const accepted = current[0].status === 'accepted';
        throw AppError.conflict(
          accepted ? 'BUNDLE_ACCEPTED' : 'BUNDLE_PENDING',
          accepted ? `「${sender.name}」${year}年度报表已采纳，不能再次报送` : `「${sender.name}」${year}年度报表已报送、尚待审核；如需更正，请先退回`,
          [{ field: 'bundle', reason: accepted ? '已采纳' : '已报，待审核' }],
        );
      }
      const id = randomUUID();
      if (current.length) await em.query(`UPDATE stats_bundles SET superseded_by = $1 WHERE id = $2`, [id, current[0].id]);
      await em.query(
        `INSERT INTO stats_bundles (id, sender_id, receiver_org_id, template_id, year, status, sender_org, subtree, digest, signoff, frozen_at,
           figures, envelope, imported_by)
         VALUES ($1, $2, $3, $4, $5, 'submitted', $6, $7, $8, $9, $10, $11, $12, $13)`,
        [
          id,
          sender.id,
          org.id,
          tpl.id,
          year,
          JSON.stringify({ id: pl.organisation.id, name: pl.organisation.name, code: pl.organisation.code }),
          pl.subtree,
          canonicalDigest(pl),
          JSON.stringify(pl.signoff),
          pl.frozen.frozenAt,
          JSON.stringify(figures),
          JSON.stringify(env),
          user.id,
        ],
      );
      await audit.record(em, {
        actorId: user.id,
        action: 'stats.bundle_import',
        entityType: 'stats_bundle',
        entityId: id,
        organisationId: org.id,
        details: { sender: sender.name, template: tpl.id, year, replaces: current[0]?.id ?? null },
      });
      const [row]: BundleRow[] = await em.query(`SELECT ${BUNDLE_COLUMNS} FROM stats_bundles b WHERE b.id = $1`, [id]);
      return bundleSummary(row, current);
    });
  }

  /** A current bundle by id (404 for an unknown or malformed id). */
  async find(id: string): Promise<BundleRow> {
    const rows: BundleRow[] = /^[0-9a-f-]{36}$/i.test(id) ? await this.ds.query(`SELECT ${BUNDLE_COLUMNS} FROM stats_bundles b WHERE b.id = $1`, [id]) : [];
    if (!rows.length) throw AppError.notFound('报送包', id);
    return rows[0];
  }

  /** 退回: a submitted bundle back to its sender with comments; the sender may then resubmit. */
  async returnBundle(b: BundleRow, comment: unknown, user: AuthUser): Promise<BundleSummary> {
    const text = typeof comment === 'string' ? comment.trim() : '';
    if (!text || text.length > 1000) throw AppError.validation([{ field: 'comment', reason: text ? '退回意见过长（最多1000字）' : '请填写退回意见' }]);
    return this.decide(b, 'returned', user, text);
  }

  /** 采纳: a submitted bundle counts in the receiver's aggregate from now on. */
  async accept(b: BundleRow, user: AuthUser): Promise<BundleSummary> {
    return this.decide(b, 'accepted', user, null);
  }

  private async decide(b: BundleRow, to: 'returned' | 'accepted', user: AuthUser, comment: string | null): Promise<BundleSummary> {
    return this.ds.transaction(async (em) => {
      // An UPDATE … RETURNING comes back from TypeORM's Postgres driver as [rows, rowCount].
      const [rows]: [BundleRow[], number] = await em.query(
        to === 'returned'
          ? `UPDATE stats_bundles b SET status = 'returned', return_comment = $2, returned_by = $3, returned_at = now()
             WHERE b.id = $1 AND b.status = 'submitted' AND b.superseded_by IS NULL RETURNING ${BUNDLE_COLUMNS}`
          : `UPDATE stats_bundles b SET status = 'accepted', accepted_by = $2, accepted_at = now()
             WHERE b.id = $1 AND b.status = 'submitted' AND b.superseded_by IS NULL RETURNING ${BUNDLE_COLUMNS}`,
        to === 'returned' ? [b.id, comment, user.id] : [b.id, user.id],
      );
      if (!rows.length) {
        const now = await this.find(b.id);
        const label = now.superseded_by ? '已被重新报送的报送包替代' : SENDER_STATUS_LABELS[now.status];
        throw AppError.conflict('BUNDLE_NOT_PENDING', `该报送包${label}，不能${to === 'returned' ? '退回' : '采纳'}`, [{ field: 'id', reason: label }]);
      }
      if (to === 'accepted') await addToBundleTotals(em, b.id);
      await audit.record(em, {
        actorId: user.id,
        action: to === 'returned' ? 'stats.bundle_return' : 'stats.bundle_accept',
        entityType: 'stats_bundle',
        entityId: b.id,
        organisationId: b.receiver_org_id,
        details: comment ? { comment } : {},
      });
      return bundleSummary(rows[0]);
    });
  }

  /** Each registered sender's status for a year (per annual template, or the one asked for). */
  async status(org: Organisation, year: number, templateId?: string): Promise<BundleStatusView> {
    const tpls = templateId ? [this.templates.get(templateId)] : this.templates.list().filter((t) => t.annual);
    const senders: SenderRow[] = await this.ds.query(`SELECT * FROM stats_bundle_senders WHERE receiver_org_id = $1 ORDER BY name, created_at`, [org.id]);
    const bundles: BundleRow[] = await this.ds.query(
      `SELECT ${BUNDLE_COLUMNS} FROM stats_bundles b WHERE b.receiver_org_id = $1 AND b.year = $2 AND b.template_id = ANY($3::text[]) ORDER BY b.imported_at`,
      [org.id, year, tpls.map((t) => t.id)],
    );
    const rows: SenderStatusRow[] = [];
    const counts: Record<SenderStatus, number> = { missing: 0, submitted: 0, returned: 0, accepted: 0 };
    for (const s of senders) {
      for (const t of tpls) {
        const mine = bundles.filter((b) => b.sender_id === s.id && b.template_id === t.id);
        const current = mine.find((b) => !b.superseded_by) ?? null;
        const status: SenderStatus = current ? current.status : 'missing';
        counts[status]++;
        const replaced = mine.filter((b) => b.superseded_by);
        rows.push({
          sender: senderView(s),
          template: t.id,
          year,
          status,
          statusLabel: SENDER_STATUS_LABELS[status],
          bundle: current ? bundleSummary(current, replaced) : null,
        });
      }
    }
    return { organisationId: org.id, year, rows, counts };
  }
}
