export function Loading({ what = '内容' }: { what?: string }) {
  return (
    <p className="loading" role="status" aria-live="polite">
      正在加载{what}…
    </p>
  );
}
