import { FormEvent, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { ErrorBanner, FieldError } from '../../components/error-banner';
import { Loading } from '../../components/loading';
import { StatusBadge } from '../../components/state-badge';
import { api, ApiError } from '../../lib/api';
import { useAuth } from '../../lib/auth';
import { usePageTitle } from '../../lib/hooks';
import { fmtTime, STATUS_LABELS } from '../../lib/labels';
import type { ChannelAccount, ChannelCapabilities, Finding, Item, ItemDetail, ItemList } from '../../lib/types';
import { defaultAccounts } from './channel-picker';
import { blankForm, type Draft, EDITABLE, FIELDS_SHOWN, type Form, fromItem, toBody } from './editor-form';
import { MetadataSection } from './metadata-section';
import { useChannelEditorNotes } from '../../channels/registry';
import { ContentSection } from './content-section';
import { ChannelsSection } from './channels-section';
import { EditorSide } from './editor-side';
import { ScheduleSection } from './schedule-section';
import { AutosaveOffer, AutosaveStatus } from './autosave-bar';
import { RecallButton } from './recall-button';
import { SubmitProblems } from './submit-problems';
import { autosaveKey, useAutosave, useAutosaveOffer } from './use-autosave';
import { useLeaveGuard, useRestoreKeptWork, useSessionKeeper } from './use-leave-guard';

/** 写一次: content, catalogue metadata, channels and their overrides, previews, findings, save / submit / schedule. */
export default function EditorPage() {
  const { id } = useParams();
  const navigate = useNavigate();
  const { orgsWith, orgs, user } = useAuth();
  const editorOrgs = orgsWith('item.create');
  const h1 = usePageTitle(id ? '修改信息' : '写信息');

  const [item, setItem] = useState<ItemDetail | null>(null);
  const [form, setForm] = useState<Form | null>(null);
  const [loadError, setLoadError] = useState<Error>();
  const [error, setError] = useState<ApiError>();
  const [notice, setNotice] = useState('');
  const [busy, setBusy] = useState<'' | 'save' | 'submit'>('');
  const [dirty, setDirty] = useState(false);
  const [capabilities, setCapabilities] = useState<ChannelCapabilities[]>([]);
  const [accounts, setAccounts] = useState<ChannelAccount[]>([]);
  const [channelsTouched, setChannelsTouched] = useState(!!id);
  const [previewVersion, setPreviewVersion] = useState(0);
  const [policies, setPolicies] = useState<Item[]>([]);
  const [schedule, setSchedule] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);

  // Load the item (or start a new one in the first organisation the user edits for).
  const newFormReady = useRef(false);
  useEffect(() => {
    let stale = false;
    setLoadError(undefined);
    if (!id) {
      const org = editorOrgs[0];
      if (newFormReady.current) {
        // the organisations arrived after the blank form was shown: fill in its organisation, keep what was typed
        setForm((f) => f && { ...f, organisationId: f.organisationId || org?.id || '', issuingBody: f.issuingBody || org?.name || '' });
        return;
      }
      newFormReady.current = true;
      setItem(null);
      setForm(blankForm(org));
      setSchedule(false);
      setChannelsTouched(false);
      return;
    }
    newFormReady.current = false;
    api
      .get<ItemDetail>(`/items/${id}`)
      .then((d) => {
        if (stale) return;
        setItem(d);
        setForm(fromItem(d));
        setSchedule(!!d.publishAt);
        setChannelsTouched(true);
      })
      .catch((e) => !stale && setLoadError(e));
    return () => {
      stale = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [id, orgs.length]);

  const orgId = form?.organisationId;
  useEffect(() => {
    if (!orgId) return;
    Promise.all([api.get<ChannelCapabilities[]>('/channels'), api.get<ChannelAccount[]>(`/channel-accounts?organisationId=${orgId}`)])
      .then(([c, a]) => {
        setCapabilities(c);
        setAccounts(a);
      })
      .catch((e) => setError(e));
  }, [orgId]);

  const isInterpretation = form?.kind === 'interpretation';
  useEffect(() => {
    if (!isInterpretation || policies.length) return;
    api
      .get<ItemList>('/items?pageSize=200')
      .then((r) => setPolicies(r.items.filter((i) => i.id !== id && i.kind !== 'interpretation')))
      .catch(() => undefined);
  }, [isInterpretation, policies.length, id]);

  // New item: channels follow the kind until the editor picks them by hand.
  const orgSettings = orgs.find((o) => o.id === orgId)?.settings;
  const orgSettingsOf = useCallback((oid: string) => orgs.find((o) => o.id === oid)?.settings, [orgs]);
  useEffect(() => {
    if (!form || channelsTouched || !accounts.length || !capabilities.length) return;
    // An updater, never a copy of this render's form: a keystroke that lands between this render and
    // the effect would otherwise be overwritten by the older copy (seen in CI as a wiped title).
    setForm((f) => {
      if (!f) return f;
      const def = defaultAccounts(f.kind, accounts, capabilities, orgSettings, orgSettingsOf);
      return def.join() === f.targetAccountIds.join() ? f : { ...f, targetAccountIds: def };
    });
  }, [form, channelsTouched, accounts, capabilities, orgSettings, orgSettingsOf]);

  // Unsaved work (issue 15.2): autosaved to the server, kept across the end of a session, guarded on leaving.
  const key = autosaveKey(id);
  const editable = !!form && (!item || EDITABLE.includes(item.status));
  const draft = useMemo<Draft | null>(() => (form ? { form, schedule, baseUpdatedAt: item?.updatedAt ?? null } : null), [form, schedule, item?.updatedAt]);
  const autosave = useAutosave(key, draft, dirty, editable);
  useLeaveGuard(dirty && editable);
  useSessionKeeper(user?.id, dirty && editable, draft);
  const ready = !!form?.organisationId && (!id || item?.id === id);
  const applyDraft = (d: Draft) => {
    setForm(d.form);
    setSchedule(d.schedule);
    setChannelsTouched(true);
    setDirty(true);
  };
  const restored = useRestoreKeptWork(ready, user?.id, (d) => {
    applyDraft(d);
    setNotice('已恢复登录失效前未保存的内容，请检查后保存');
  });
  const autosaveOffer = useAutosaveOffer(key, ready && editable, draft, restored);

  const update = useCallback(<K extends keyof Form>(k: K, v: Form[K]) => {
    setForm((f) => (f ? { ...f, [k]: v } : f));
    setDirty(true);
  }, []);

  const channelNotes = useChannelEditorNotes({ accounts, selected: form?.targetAccountIds ?? [], overrides: form?.channelOverrides ?? {} });

  if (loadError) return <ErrorBanner error={loadError} />;
  if (!form) return <Loading what="信息" />;
  if (!editorOrgs.length) return <p className="alert alert-warn">您没有任何机构的信息员角色。</p>;

  const readOnly = !!item && !EDITABLE.includes(item.status);

  async function save(): Promise<ItemDetail | null> {
    if (!form) return null;
    setError(undefined);
    setNotice('');
    const creating = !item;
    const body = toBody({ ...form, publishAt: schedule ? form.publishAt : '' }, creating);
    const saved = creating
      ? await api.post<Item & { findings: Finding[] }>('/items', body)
      : await api.patch<Item & { findings: Finding[] }>(`/items/${item!.id}`, body);
    const detail = await api.get<ItemDetail>(`/items/${saved.id}`);
    void autosave.drop(creating ? autosaveKey(undefined) : autosaveKey(saved.id));
    setItem(detail);
    setForm(fromItem(detail));
    setDirty(false);
    setPreviewVersion((v) => v + 1);
    if (creating) void navigate(`/items/${saved.id}/edit`, { replace: true });
    return detail;
  }

  const onSave = async (e?: FormEvent) => {
    e?.preventDefault();
    setBusy('save');
    try {
      const d = await save();
      if (d) setNotice(`草稿已保存（${fmtTime(d.updatedAt)}），索引号 ${d.indexNo}`);
    } catch (err) {
      setError(err as ApiError);
    } finally {
      setBusy('');
    }
  };

  const onSubmit = async () => {
    setBusy('submit');
    try {
      const d = await save();
      if (!d) return;
      await api.post(`/items/${d.id}/submit`);
      void navigate(`/items/${d.id}`, { state: { notice: '已提交审核' } });
    } catch (err) {
      setError(err as ApiError);
      // The item was saved even when submit was refused; refresh findings.
      if (item || (err as ApiError).status === 422) setPreviewVersion((v) => v + 1);
    } finally {
      setBusy('');
    }
  };

  const fid = (f: string) => `f-${f}`;
  const err = (f: string) => <FieldError error={error} field={f} id={`${fid(f)}-err`} />;

  return (
    <section className="page editor-page">
      <div className="page-head">
        <h1 ref={h1} tabIndex={-1}>
          {item ? '修改信息' : '写信息'}
        </h1>
        <div className="head-meta">
          {item ? <StatusBadge status={item.status} /> : <span className="badge status-draft">新建</span>}
          <span>
            索引号：
            <strong className="mono" data-testid="index-no">
              {item?.indexNo ?? '保存后自动生成'}
            </strong>
          </span>
          {item ? <Link to={`/items/${item.id}`}>查看详情与审核记录</Link> : null}
        </div>
      </div>
      {item?.status === 'rejected' && item.rejectionReason ? (
        <p className="alert alert-warn" role="alert">
          审核退回：{item.rejectionReason}
        </p>
      ) : null}
      {readOnly && item ? (
        <div className="alert alert-warn" role="alert">
          <p>当前状态为「{STATUS_LABELS[item.status] ?? '其他'}」，不能修改。</p>
          <RecallButton
            item={item}
            onDone={(m) =>
              void api.get<ItemDetail>(`/items/${item.id}`).then((d) => (setItem(d), setForm(fromItem(d)), setSchedule(!!d.publishAt), setNotice(m)))
            }
          />
        </div>
      ) : null}
      {autosaveOffer.offer ? (
        <AutosaveOffer
          offer={autosaveOffer.offer}
          onRestore={(d) => (applyDraft(d), autosaveOffer.close())}
          onDiscard={() => (autosaveOffer.close(), void autosave.drop(key))}
        />
      ) : null}
      {error?.status === 422 && error.details.length ? (
        <SubmitProblems error={error} />
      ) : (
        <ErrorBanner error={error} fieldsShown={error?.status === 400 ? FIELDS_SHOWN : []} />
      )}
      {notice ? (
        <p className="alert alert-ok" role="status" data-testid="save-notice">
          {notice}
        </p>
      ) : null}

      <div className="editor-layout">
        <form
          ref={formRef}
          className="editor-main"
          onSubmit={onSave}
          onBlur={() => void autosave.flush()}
          noValidate
          onKeyDown={(e) => {
            if ((e.ctrlKey || e.metaKey) && e.key === 's') {
              e.preventDefault();
              void onSave();
            }
          }}
        >
          <fieldset disabled={readOnly || !!busy} className="plain">
            <ContentSection
              form={form}
              item={item}
              editorOrgs={editorOrgs}
              onOrganisation={(organisationId) => {
                const org = editorOrgs.find((o) => o.id === organisationId);
                setForm((f) => f && { ...f, organisationId, issuingBody: org?.name ?? f.issuingBody, targetAccountIds: [] });
                setChannelsTouched(false);
              }}
              update={update}
              err={err}
              error={error}
            />

            <MetadataSection form={form} item={item} update={update} err={err} policies={policies} />

            <ChannelsSection
              form={form}
              accounts={accounts}
              capabilities={capabilities}
              orgSettingsOf={orgSettingsOf}
              onPick={(ids) => {
                setChannelsTouched(true);
                update('targetAccountIds', ids);
              }}
              update={update}
              err={err}
              error={error}
              notes={channelNotes.lines}
            />

            <ScheduleSection schedule={schedule} onSchedule={setSchedule} publishAt={form.publishAt} onPublishAt={(v) => update('publishAt', v)} err={err} />

            <div className="actions sticky-actions">
              <button type="submit" className="btn" disabled={!!busy || !form.title.trim()} data-testid="save-draft">
                {busy === 'save' ? '正在保存…' : '保存草稿'}
              </button>
              <button type="button" className="btn btn-primary" disabled={!!busy || !form.title.trim()} onClick={onSubmit} data-testid="submit-review">
                {busy === 'submit' ? '正在提交…' : '保存并提交审核'}
              </button>
              {dirty ? <span className="muted">有未保存的修改（Ctrl+S 保存）</span> : null}
              <AutosaveStatus state={autosave.state} />
            </div>
          </fieldset>
        </form>

        <EditorSide
          item={item}
          problems={channelNotes.problems}
          capabilities={capabilities}
          previewVersion={previewVersion}
          dirty={dirty}
          onRefreshPreviews={() => setPreviewVersion((v) => v + 1)}
          onFindingsChanged={async (itemId) => setItem(await api.get<ItemDetail>(`/items/${itemId}`))}
        />
      </div>
    </section>
  );
}
