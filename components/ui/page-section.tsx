import type { ReactNode } from "react";

/**
 * A titled section of a page: its `<h2>` names the section for screen readers
 * (`aria-labelledby`), with an optional line saying what it holds.
 */
export function PageSection({
  id,
  title,
  intro,
  className = "mt-8",
  titleClassName = "text-lg font-medium",
  children,
}: {
  id: string;
  title: string;
  intro?: ReactNode;
  className?: string;
  titleClassName?: string;
  children: ReactNode;
}) {
  return (
    <section aria-labelledby={id} className={className}>
      <h2 id={id} className={titleClassName}>
        {title}
      </h2>
      {intro ? <p className="mt-1 text-sm text-zinc-600">{intro}</p> : null}
      {children}
    </section>
  );
}
