import { useState } from 'react';
import { Tabs } from '../../components/tabs';
import { usePageTitle } from '../../lib/hooks';
import { AccountsTab } from './accounts-tab';
import { OrganisationsTab } from './organisations-tab';
import { UsersTab } from './users-tab';

export default function AdminPage() {
  const h1 = usePageTitle('系统管理');
  const [tab, setTab] = useState('orgs');
  return (
    <section className="page">
      <h1 ref={h1} tabIndex={-1}>
        系统管理
      </h1>
      <Tabs
        label="管理项目"
        active={tab}
        onChange={setTab}
        tabs={[
          { key: 'orgs', label: '机构与审核级数' },
          { key: 'users', label: '用户与角色' },
          { key: 'accounts', label: '渠道账号' },
        ]}
      >
        {tab === 'orgs' ? <OrganisationsTab /> : tab === 'users' ? <UsersTab /> : <AccountsTab />}
      </Tabs>
    </section>
  );
}
