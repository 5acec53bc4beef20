// The landing page's buttons open each client in a window of its own, side by side.
// Without JavaScript (or with pop-ups blocked) the links still open a tab.
const links = /** @type {NodeListOf<HTMLAnchorElement>} */ (document.querySelectorAll('a[data-window]'));
for (const link of links) {
  link.addEventListener('click', (event) => {
    const left = link.dataset.window === 'agent' ? 520 : 40;
    const opened = window.open(link.href, link.target, `popup,width=460,height=640,left=${left},top=80`);
    if (opened) event.preventDefault();
  });
}
