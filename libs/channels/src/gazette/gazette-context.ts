import * as path from 'path';
import { EntityManager } from 'typeorm';
import { AppConfig, portalBaseUrl, portalDir } from '@app/common/config/app-config';
import { AppError } from '@app/common/errors/app-error';
import { isUuid } from '@app/common/ids/is-uuid';
import { ChannelAccount } from '@app/domain/entities/channel-account.entity';
import { Organisation } from '@app/domain/entities/organisation.entity';
import { ItemKind } from '@app/domain/enums/domain-enums';
import { GazetteIssue } from './gazette-issue.entity';
import { issueLabel } from './gazette-numbering';
import { acceptedKinds, effectiveSections, FREQUENCY_LABELS, GazetteSection, GazetteSettings, parseGazetteSettings } from './gazette-settings';
import { GazetteSiteInfo, issueUrl } from './gazette-templates';
import type { IssueView } from './gazette-reads.types';
import { tocEntries } from './gazette-toc';

// A gazette's context (account, organisation, settings, sections, site, directory) and the issue view,
// shared by GazetteIssueService and the units it delegates to.

/** Everything about one gazette that compile, publish and the pages need. */
export interface GazetteContext {
  account: ChannelAccount;
  organisation: Organisation;
  settings: GazetteSettings;
  kinds: ItemKind[];
  sections: GazetteSection[];
  site: GazetteSiteInfo;
  /** Directory the pages are written to (inside the portal directory). */
  dir: string;
}

/** The gazette account, its organisation and settings; 404 when the id is not a gazette account. */
export async function loadGazetteContext(em: EntityManager, config: AppConfig, accountId: string): Promise<GazetteContext> {
  const account = isUuid(accountId) ? await em.getRepository(ChannelAccount).findOneBy({ id: accountId }) : null;
  if (!account || account.channelType !== 'gazette') throw AppError.notFound('政府公报', accountId);
  const organisation = await em.getRepository(Organisation).findOneByOrFail({ id: account.organisationId });
  return gazetteContextFor(config, account, organisation);
}

export function gazetteContextFor(
  config: AppConfig,
  account: Pick<ChannelAccount, 'id' | 'name' | 'baseUrl' | 'settings'> & Partial<ChannelAccount>,
  organisation: Organisation,
): GazetteContext {
  const { settings } = parseGazetteSettings(account.settings, account.name);
  const kinds = acceptedKinds(settings, organisation.settings);
  const baseUrl = (account.baseUrl || `${portalBaseUrl(config)}/${settings.path}`).replace(/\/+$/, '');
  return {
    account: account as ChannelAccount,
    organisation,
    settings,
    kinds,
    sections: effectiveSections(settings, kinds),
    site: {
      title: settings.title,
      organisationName: organisation.name,
      publisher: settings.publisher,
      frequencyLabel: FREQUENCY_LABELS[settings.frequency],
      baseUrl,
    },
    // Always inside PORTAL_DIR: `path` is a plain name (parseGazetteSettings), and no setting names a
    // directory of its own, so no account can make the product write elsewhere (issue 12, point 8).
    dir: path.join(path.resolve(portalDir(config)), settings.path),
  };
}

/** An issue as the gazette desk shows it. */
export function issueView(i: GazetteIssue, site: GazetteSiteInfo): IssueView {
  const entries = tocEntries(i.toc ?? { sections: [] });
  return {
    id: i.id,
    channelAccountId: i.channelAccountId,
    year: i.year,
    issueNo: i.issueNo,
    totalNo: i.totalNo,
    label: issueLabel(i),
    status: i.status,
    toc: i.toc,
    articleCount: entries.filter((e) => !e.erratum).length,
    errataCount: entries.filter((e) => e.erratum).length,
    compiledAt: i.compiledAt,
    publishedAt: i.publishedAt,
    siteWrittenAt: i.siteWrittenAt,
    url: i.status === 'published' ? issueUrl(site, i) : null,
  };
}
