import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppError, FieldProblem } from '@app/common/errors/app-error';
import type { ItemSnapshot } from '@app/domain/entities/item-version.entity';
import { LedFrame } from '@app/media/led/led-text.renderer';
import {
  AdapterAccount,
  AttemptLog,
  ChannelAdapter,
  ChannelCapabilities,
  ChannelPreview,
  ConfirmResult,
  DeliverResult,
  DeliveryContext,
  PermanentError,
  ReconcileResult,
} from '../channel-adapter';
import { AccountStore } from '../engine/account-store.service';
import { toChannelError } from '../http/channel-errors';
import { LED_TEXT_MAX_CHARS, LedDisplay, parseLedDisplay } from './led-display';
import { LedEntry } from './led-entry.entity';
import { buildProgram, scheduleSegments } from './led-program';
import { LedScreen, LedScreenService } from './led-screen.service';
import { novastarDisplayProblems } from './novastar-program';
import { novastarPlayersOnline, reconcileNovastar } from './novastar-sync';
import { LED_CREDENTIALS_SCHEMA, LED_OVERRIDE_SCHEMA, LED_SETTINGS_SCHEMA } from './led-schema';

/** How long a pull player may stay away before a delivery waiting for its fetch fails (a hall closed for a holiday). */
const PULL_CONFIRM_GIVE_UP_MS = 10 * 24 * 3600_000;

/**
 * LED screens in the service hall (政务大厅LED显示屏). Each screen (a channel account) shows a program
 * built from its active entries; a delivery adds its item's entry and brings the screen up to date
 * (LedScreenService.sync). Huidu controllers get the whole program pushed and acknowledge it
 * ("kSuccess": published); pull players fetch their playlist and a delivery is published once a
 * fetched version holds it. Withdrawal removes the entry and updates the screen at once.
 */
@Injectable()
export class LedAdapter implements ChannelAdapter {
  readonly capabilities: ChannelCapabilities = {
    type: 'led',
    label: 'LED显示屏',
    reportRow: 'other',
    newMedia: false,
    settingsSchema: LED_SETTINGS_SCHEMA,
    credentialsSchema: LED_CREDENTIALS_SCHEMA,
    overrideSchema: LED_OVERRIDE_SCHEMA,
    canUpdate: true,
    canWithdraw: true,
    asyncConfirmation: true,
    collectsIntoIssues: false,
    limits: { textMaxChars: LED_TEXT_MAX_CHARS },
    // One program change per screen at a time (the screen lock serialises across processes too).
    concurrencyPerAccount: 1,
    confirmGiveUpMs: PULL_CONFIRM_GIVE_UP_MS,
  };

  readonly screens: LedScreenService;

  constructor(@InjectDataSource() ds: DataSource, accounts: AccountStore) {
    this.screens = new LedScreenService(ds, accounts);
  }

  /** The item on this screen: its display settings and its frames, or the problems an editor must fix. */
  async plan(v: ItemSnapshot, screen: LedScreen, now: Date): Promise<{ display: LedDisplay | null; frames: LedFrame[]; problems: FieldProblem[] }> {
    const problems: FieldProblem[] = screen.problems.map((p) => ({ field: 'account', reason: `LED屏设置有误（请联系管理员）：${p.field} ${p.reason}` }));
    const s = screen.settings;
    const { display, problems: dp } = parseLedDisplay(v, now, s.defaultDays);
    problems.push(...dp, ...(display && s.protocol === 'novastar' ? novastarDisplayProblems(display) : []));
    if (screen.problems.length || !display) return { display, frames: [], problems };
    let frames: LedFrame[] = [];
    try {
      this.screens.colourHex(s, display.colour);
      frames = await this.screens.render(s, display.text, display.colour);
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      const field = e.code.startsWith('LED_COLOUR') ? 'channelOverrides.led.colour' : 'channelOverrides.led.text';
      problems.push({ field, reason: `${screen.account.name}（${s.width}×${s.height}）：${e.message}` });
      return { display, frames, problems };
    }
    if (frames.length > s.maxPages) {
      problems.push({
        field: 'channelOverrides.led.text',
        reason: `${display.textSource === 'derived' ? '由标题生成的LED文字' : 'LED短文本'}在${screen.account.name}（${s.width}×${s.height}）上需要${frames.length}屏，上限${s.maxPages}屏，请${display.textSource === 'derived' ? '填写' : '精简'}LED短文本`,
      });
    }
    if (!scheduleSegments(display.from, display.to, display.hours).length) {
      problems.push({ field: 'channelOverrides.led.hours', reason: '每日时段与显示时段没有交集，该信息不会显示' });
    }
    return { display, frames, problems };
  }

  async validate(v: ItemSnapshot, account: AdapterAccount): Promise<FieldProblem[]> {
    return (await this.plan(v, this.screens.screenOf(account), new Date())).problems;
  }

  async preview(v: ItemSnapshot, account: AdapterAccount): Promise<ChannelPreview> {
    const screen = this.screens.screenOf(account);
    const { display, frames, problems } = await this.plan(v, screen, new Date());
    const s = screen.settings;
    let program = null;
    if (display && frames.length && !screen.problems.length) {
      program = buildProgram(
        this.screens.programScreen(s),
        [
          {
            id: '00000000-0000-0000-0000-000000000000',
            title: v.title,
            pages: frames.map((f) => f.text),
            from: display.from,
            to: display.to,
            weekdays: display.weekdays,
            hours: display.hours,
            priority: display.priority,
            emergency: display.emergency,
            colour: this.screens.colourHex(s, display.colour),
            createdAt: new Date(),
          },
        ],
        display.from,
      ).programs;
    }
    return {
      channelType: 'led',
      text: frames.map((f) => f.text).join('\n\n') || display?.text,
      images: frames.map((f, i) => ({
        name: `frame-${i + 1}.png`,
        contentType: 'image/png',
        base64: f.png.toString('base64'),
        width: f.width,
        height: f.height,
      })),
      meta: {
        screen: { name: account.name, location: s.location, width: s.width, height: s.height, colourMode: s.colourMode, protocol: s.protocol },
        display: display && { ...display, from: display.from.toISOString(), to: display.to.toISOString() },
        pages: frames.length,
        program,
      },
      problems,
    };
  }

  private async entryFor(ctx: DeliveryContext, screen: LedScreen): Promise<LedEntry> {
    const existing = await this.screens.entryOfDelivery(ctx.deliveryId);
    if (existing) return existing;
    const { display, frames, problems } = await this.plan(ctx.version, screen, new Date());
    if (problems.length || !display) {
      const p = problems[0];
      throw new PermanentError('LED_NOT_DISPLAYABLE', `无法上屏：${p ? `${p.field} ${p.reason}` : '显示设置无效'}`);
    }
    return this.screens.addEntry(screen, { deliveryId: ctx.deliveryId, version: ctx.version, display, frames });
  }

  private externalId(screen: LedScreen, entry: LedEntry): string {
    const s = screen.settings;
    return `${s.protocol === 'huidu' ? s.deviceId : s.protocol === 'novastar' ? `novastar:${s.novastar?.playerIds.join(',')}` : 'pull'}/${entry.id}`;
  }

  async deliver(ctx: DeliveryContext): Promise<DeliverResult> {
    try {
      const screen = this.screens.screenOf(ctx.account);
      const entry = await this.entryFor(ctx, screen);
      const r = await this.screens.sync(ctx.account.id, { screen, log: (e) => ctx.logAttempt(e) });
      await ctx.logAttempt({
        call: `screen program v${r.version.version}`,
        response: `${r.created ? 'new version' : 'unchanged'}${r.pushed ? ', pushed, acknowledged' : ''}; entries ${r.version.entryIds.length}`,
      });
      const done = await this.shown(screen, entry, (e) => ctx.logAttempt(e));
      if (done) return done;
      return { status: 'awaiting_confirmation', externalId: this.externalId(screen, entry), pollAfterMs: this.notYet(screen, entry) };
    } catch (e) {
      throw toChannelError(e);
    }
  }

  /**
   * Published once a version holding the entry was acknowledged (Huidu) or fetched (pull); NovaStar:
   * accepted by the cloud and every player reports online afterwards (novastar-sync.ts). null: not yet.
   */
  private async shown(
    screen: LedScreen,
    entry: LedEntry,
    log?: (e: AttemptLog) => Promise<void>,
  ): Promise<{ status: 'published'; externalId: string; externalUrl: null; publishedAt: Date } | null> {
    const v = await this.screens.shownIn(entry, screen.settings.protocol === 'pull' ? 'fetched' : 'acked');
    if (!v) return null;
    if (screen.settings.protocol === 'novastar') {
      const st = await novastarPlayersOnline(screen, log);
      await log?.({
        call: 'novastar evidence',
        response: st.online
          ? `program v${v.version} accepted by the cloud; all players online since`
          : `accepted by the cloud; offline: ${st.offline.join(',')}`,
      });
      if (!st.online) return null;
      return { status: 'published', externalId: this.externalId(screen, entry), externalUrl: null, publishedAt: new Date() };
    }
    return { status: 'published', externalId: this.externalId(screen, entry), externalUrl: null, publishedAt: v.ackedAt ?? v.fetchedAt ?? new Date() };
  }

  /** Not shown yet: a pull player has not fetched it, or an emergency program interrupts a Huidu screen. */
  private notYet(screen: LedScreen, entry: LedEntry): number {
    if (entry.status !== 'active') {
      throw new PermanentError('LED_ENTRY_REMOVED', `该信息已不在LED屏节目中（${entry.removedReason ?? entry.status}），未能上屏`);
    }
    return screen.settings.confirmPollMs;
  }

  async confirm(ctx: DeliveryContext): Promise<ConfirmResult> {
    try {
      const screen = this.screens.screenOf(ctx.account);
      const entry = await this.screens.entryOfDelivery(ctx.deliveryId);
      if (!entry) throw new PermanentError('LED_ENTRY_MISSING', 'LED屏节目中找不到该信息');
      if (screen.settings.protocol !== 'pull') await this.screens.sync(ctx.account.id, { screen, log: (e) => ctx.logAttempt(e) });
      const fresh = (await this.screens.entryOfDelivery(ctx.deliveryId)) ?? entry;
      return (await this.shown(screen, fresh, (e) => ctx.logAttempt(e))) ?? { status: 'pending', pollAfterMs: this.notYet(screen, fresh) };
    } catch (e) {
      throw toChannelError(e);
    }
  }

  async reconcile(ctx: DeliveryContext): Promise<ReconcileResult> {
    const screen = this.screens.screenOf(ctx.account);
    const entry = await this.screens.entryOfDelivery(ctx.deliveryId);
    if (!entry) return { found: false };
    if (screen.settings.protocol === 'novastar') return reconcileNovastar(this.screens, ctx, entry, () => this.shown(screen, entry, (e) => ctx.logAttempt(e)));
    const shown =
      screen.settings.protocol === 'huidu'
        ? await this.screens.reconcileHuidu(screen, entry, (e) => ctx.logAttempt(e))
        : await this.screens.shownIn(entry, 'fetched');
    // Not shown yet: delivering again is harmless (the entry exists; the screen is only brought up to date).
    return shown ? { found: true, status: 'published', externalId: this.externalId(screen, entry), externalUrl: null } : { found: false };
  }

  async withdraw(ctx: DeliveryContext): Promise<void> {
    try {
      const removed = await this.screens.removeEntryOfDelivery(ctx.deliveryId, ctx.checkpoint.withdrawReason ?? null);
      const r = await this.screens.sync(ctx.account.id, { screen: this.screens.screenOf(ctx.account), log: (e) => ctx.logAttempt(e) });
      await ctx.logAttempt({
        call: 'remove from screen program',
        response: `${removed ? 'entry removed' : 'no entry'}; program v${r.version.version}${r.pushed ? ' pushed, acknowledged' : ''}`,
      });
    } catch (e) {
      throw toChannelError(e);
    }
  }
}
