import { useSearchParams } from 'react-router-dom';
import { Tabs } from '../../components/tabs';
import { useAuth } from '../../lib/auth';
import { usePageTitle } from '../../lib/hooks';
import { AccountsTab } from './accounts-tab';
import { AccountWizardTab } from './account-wizard-tab';
import { AuditTab } from './audit-tab';
import { LexiconsTab } from './lexicons-tab';
import { OrganisationsTab } from './organisations-tab';
import { PeopleImportTab } from './people-import-tab';
import { SiteImportTab } from './site-import-tab';
import { UsersTab } from './users-tab';

/** 系统管理: one tab per area; the open tab is in the address (?tab=…) so it can be linked and reloaded. */
export default function AdminPage() {
  const h1 = usePageTitle('系统管理');
  const { can } = useAuth();
  const [params, setParams] = useSearchParams();
  const tabs = [
    { key: 'orgs', label: '机构与审核级数' },
    { key: 'users', label: '用户与角色' },
    { key: 'accounts', label: '渠道账号' },
    ...(can('account.manage') ? [{ key: 'account-wizard', label: '账号设置向导' }] : []),
    ...(can('lexicon.manage') ? [{ key: 'lexicons', label: '词库' }] : []),
    ...(can('audit.read') ? [{ key: 'audit', label: '审计日志' }] : []),
    ...(can('people.import') ? [{ key: 'import', label: '批量导入' }] : []),
    ...(can('import.site') ? [{ key: 'site-import', label: '导入旧网站' }] : []),
  ];
  const tab = tabs.some((t) => t.key === params.get('tab')) ? params.get('tab')! : 'orgs';
  const setTab = (k: string) => setParams(k === 'orgs' ? {} : { tab: k }, { replace: true });
  return (
    <section className="page">
      <h1 ref={h1} tabIndex={-1}>
        系统管理
      </h1>
      <Tabs label="管理项目" active={tab} onChange={setTab} tabs={tabs}>
        {tab === 'users' ? (
          <UsersTab />
        ) : tab === 'accounts' ? (
          <AccountsTab />
        ) : tab === 'lexicons' ? (
          <LexiconsTab />
        ) : tab === 'audit' ? (
          <AuditTab />
        ) : tab === 'account-wizard' ? (
          <AccountWizardTab />
        ) : tab === 'import' ? (
          <PeopleImportTab />
        ) : tab === 'site-import' ? (
          <SiteImportTab />
        ) : (
          <OrganisationsTab />
        )}
      </Tabs>
    </section>
  );
}
