import type { ReactNode } from 'react';

/** Section is one titled card of a detail page; its heading names the region. */
export function Section({
  title,
  description,
  tone = 'default',
  action,
  count,
  children,
}: {
  title: string;
  /** Shown next to the title, e.g. "12" or "50+". */
  count?: string | null | undefined;
  description?: ReactNode;
  tone?: 'default' | 'danger';
  action?: ReactNode;
  children: ReactNode;
}) {
  const id = `section-${title.toLowerCase().replace(/[^a-z]+/g, '-')}`;
  return (
    <section className={`card section section--${tone}`} aria-labelledby={id}>
      <header className={action ? 'section__header row-between' : 'section__header'}>
        <div>
          <h2 id={id} className="section-title">
            {title}
            {count ? <span className="section-count">{count}</span> : null}
          </h2>
          {description ? <p className="muted">{description}</p> : null}
        </div>
        {action}
      </header>
      {children}
    </section>
  );
}

export function Detail({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="details__row">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}
