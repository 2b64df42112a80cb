/**
 * Every table sits in a container that scrolls sideways when the tab is narrower than the table (Teams on a phone,
 * a side panel). While it scrolls, the container is a region named as its table is, in the tab order, so the
 * keyboard can scroll it too (WCAG 2.1.1).
 */
export function fitTables(root: HTMLElement): void {
  for (const table of root.querySelectorAll('table')) {
    if (table.parentElement?.classList.contains('table-scroll')) continue;
    const container = document.createElement('div');
    container.className = 'table-scroll';
    table.before(container);
    container.append(table);
    watched.observe(container);
  }
}

const watched = new ResizeObserver((entries) => {
  for (const entry of entries) {
    if (entry.target instanceof HTMLElement) markScrolling(entry.target);
  }
});

function markScrolling(container: HTMLElement): void {
  const table = container.querySelector('table');
  const scrolls = table !== null && container.scrollWidth > container.clientWidth + 1;
  if (!table || !scrolls) {
    for (const attribute of ['tabindex', 'role', 'aria-label', 'aria-labelledby'])
      container.removeAttribute(attribute);
    return;
  }
  container.tabIndex = 0;
  container.setAttribute('role', 'region');
  const labelledBy = table.getAttribute('aria-labelledby');
  if (labelledBy) container.setAttribute('aria-labelledby', labelledBy);
  else container.setAttribute('aria-label', table.caption?.textContent?.trim().replace(/\s+/g, ' ') ?? '');
}
