import { useEffect, useRef, type ReactNode } from "react";

/**
 * A heading whose level the screen that holds it chooses (h2 on its own, h3 inside a section).
 * `focus`: it takes focus when it appears, so a step that replaces another is announced.
 */
export function Heading({ level, id, focus, children }: { level: 2 | 3; id?: string; focus?: boolean; children: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (focus) ref.current?.focus();
  }, [focus]);
  const props = { id, ref, ...(focus ? { tabIndex: -1, className: "step-heading" } : {}) };
  return level === 2 ? <h2 {...props}>{children}</h2> : <h3 {...props}>{children}</h3>;
}
