import { ErrorBanner } from '../../components/error-banner';
import { Loading } from '../../components/loading';
import { api } from '../../lib/api';
import { diffText } from '../../lib/diff';
import { useAsync } from '../../lib/hooks';
import { KIND_LABELS } from '../../lib/labels';
import { htmlToText } from '../../lib/text';
import type { AuditEntry, ItemDetail, ItemVersion } from '../../lib/types';

type Snapshot = ItemVersion['snapshot'];

/** Catalogue fields both a frozen snapshot and the item have, compared one by one. */
const META: [keyof Snapshot & keyof ItemDetail, string][] = [
  ['title', '标题'],
  ['summary', '摘要'],
  ['docNo', '文号'],
  ['issuingBody', '发布机构'],
  ['writtenDate', '成文日期'],
  ['category', '主题分类'],
  ['disclosureAttr', '公开属性'],
  ['validity', '有效性'],
  ['repealedDate', '废止日期'],
  ['kind', '信息类别'],
];

/**
 * What changed since the version that was last published (a revision), shown as a character diff of
 * the text and a table of changed catalogue fields; and, for a resubmission after rejection, which
 * fields the editor changed since.
 */
export function VersionDiff({ item, audit }: { item: ItemDetail; audit: AuditEntry[] }) {
  // A frozen item (approved, published, withdrawn) is its latest version: compare only a working copy.
  const frozen = ['approved', 'published', 'withdrawn'].includes(item.status);
  const prevNo = frozen ? 0 : item.currentVersionNo;
  const prev = useAsync(
    () => (prevNo > 0 ? api.get<ItemVersion>(`/items/${item.id}/versions/${prevNo}`) : Promise.resolve(null)),
    [item.id, prevNo, item.updatedAt],
  );
  const lastReject = [...audit].reverse().find((a) => a.action === 'item.reject');
  const changedSinceReject = lastReject
    ? [
        ...new Set(
          audit
            .filter((a) => a.action === 'item.update' && Number(a.id) > Number(lastReject.id))
            .flatMap((a) => (a.details.changed as string[] | undefined) ?? []),
        ),
      ]
    : [];
  return (
    <div className="version-diff" data-testid="version-diff">
      {lastReject ? (
        <p>
          上次退回（原因：{String(lastReject.details.reason ?? '')}）后修改了：
          {changedSinceReject.length
            ? changedSinceReject.map((f) => META.find(([k]) => k === f)?.[1] ?? (f === 'bodyHtml' ? '正文' : f)).join('、')
            : '（没有修改）'}
        </p>
      ) : null}
      {frozen ? (
        <p className="muted">当前内容即第 {item.currentVersionNo} 版（审核通过时冻结，不再改变）。修订时将与该版本比对。</p>
      ) : prevNo === 0 ? (
        <p className="muted">首次提交，没有已发布的历史版本可比对。</p>
      ) : null}
      {prev.loading && prevNo > 0 ? <Loading what="上一版本" /> : null}
      <ErrorBanner error={prev.error} />
      {prev.data ? <Diff prev={prev.data.snapshot} item={item} versionNo={prev.data.versionNo} /> : null}
    </div>
  );
}

function Diff({ prev, item, versionNo }: { prev: Snapshot; item: ItemDetail; versionNo: number }) {
  const show = (k: string, v: any) => (k === 'kind' ? (KIND_LABELS[v] ?? v) : (v ?? ''));
  const changed = META.filter(([k]) => String(prev[k] ?? '') !== String(item[k] ?? ''));
  const ops = diffText(htmlToText(prev.bodyHtml ?? ''), htmlToText(item.bodyHtml));
  const bodyChanged = ops.some((o) => o.op !== 'same');
  return (
    <>
      <h3>与第 {versionNo} 版（上次审核通过、已发布的版本）相比</h3>
      {changed.length ? (
        <table className="table compact">
          <thead>
            <tr>
              <th scope="col">项目</th>
              <th scope="col">第 {versionNo} 版</th>
              <th scope="col">本次</th>
            </tr>
          </thead>
          <tbody>
            {changed.map(([k, l]) => (
              <tr key={k}>
                <th scope="row">{l}</th>
                <td>
                  <del>{show(k, prev[k])}</del>
                </td>
                <td>
                  <ins>{show(k, item[k])}</ins>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">目录信息没有变化。</p>
      )}
      <h4>正文{bodyChanged ? '修改处（删除线为删去，下划线为新增）' : '没有变化'}</h4>
      {bodyChanged ? (
        <div className="diff-body" data-testid="body-diff">
          {ops.map((o, i) => (o.op === 'same' ? <span key={i}>{o.text}</span> : o.op === 'add' ? <ins key={i}>{o.text}</ins> : <del key={i}>{o.text}</del>))}
        </div>
      ) : null}
    </>
  );
}
