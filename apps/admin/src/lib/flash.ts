// A message that survives one navigation (e.g. "Tool saved." shown on the page the save led to).

/** What a page shows on arrival. */
export interface Flash {
  kind: 'success' | 'danger';
  text: string;
}

let pending: Flash | null = null;

/** Keeps `flash` for the next page that calls {@link takeFlash}. */
export function setFlash(flash: Flash): void {
  pending = flash;
}

/** The pending message, once. */
export function takeFlash(): Flash | null {
  const flash = pending;
  pending = null;
  return flash;
}
