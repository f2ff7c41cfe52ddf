// Session expiry warning and form drafts. Progressive enhancement: without JavaScript the
// session simply ends after its idle time and the sign-in page says so.
(() => {
  'use strict';
  const idleMeta = document.querySelector('meta[name="passerelle-session-idle"]');
  const csrfMeta = document.querySelector('meta[name="csrf-token"]');
  const dialog = document.getElementById('session-warning');
  const ownerMeta = document.querySelector('meta[name="passerelle-draft-owner"]');
  // Drafts belong to one user: another person signing in in this tab never sees them.
  const owner = ownerMeta ? ownerMeta.content : sessionStorage.getItem('passerelle-draft-owner');
  if (ownerMeta) sessionStorage.setItem('passerelle-draft-owner', ownerMeta.content);
  const draftKey = `passerelle-draft:${owner || 'nobody'}:${location.pathname}`;

  // Restore what was typed on this page before a session ended (kept in this tab only).
  const saved = sessionStorage.getItem(draftKey);
  if (saved) {
    sessionStorage.removeItem(draftKey);
    let restored = false;
    const forms = document.querySelectorAll('main form');
    for (const [formIndex, name, value, checked] of JSON.parse(saved)) {
      const form = forms[formIndex];
      const field = form && form.elements.namedItem(name);
      if (!field || field.type === 'hidden' || field.type === 'password') continue;
      if (field.type === 'checkbox' || field.type === 'radio') {
        field.checked = Boolean(checked);
      } else if (!field.value) {
        field.value = value;
      }
      restored = true;
    }
    const notice = document.getElementById('draft-restored');
    if (restored && notice) notice.hidden = false;
  }

  if (!idleMeta || !csrfMeta || !dialog) return; // nobody is signed in
  const idleMs = Number(idleMeta.content) * 1000;
  const warnBeforeMs = Math.min(120000, idleMs / 2);
  let warnTimer;
  let saveTimer;
  let leaveTimer;

  function saveDraft() {
    const fields = [];
    document.querySelectorAll('main form').forEach((form, formIndex) => {
      for (const field of form.elements) {
        if (!field.name || ['hidden', 'password', 'file', 'submit', 'button'].includes(field.type)) continue;
        const checkable = field.type === 'checkbox' || field.type === 'radio';
        if (checkable ? field.checked : field.value) {
          fields.push([formIndex, field.name, field.value, checkable ? field.checked : undefined]);
        }
      }
    });
    if (fields.length) sessionStorage.setItem(draftKey, JSON.stringify(fields));
  }

  function schedule() {
    clearTimeout(warnTimer);
    clearTimeout(saveTimer);
    clearTimeout(leaveTimer);
    warnTimer = setTimeout(() => dialog.showModal(), idleMs - warnBeforeMs);
    // Just before the end: keep what was typed, then leave the page, which would otherwise
    // stay on screen with its personal data after the session is gone.
    saveTimer = setTimeout(() => {
      saveDraft();
      leaveTimer = setTimeout(() => location.assign('/login?notice=expired'), 10000);
    }, Math.max(0, idleMs - 10000));
  }

  document.getElementById('session-stay').addEventListener('click', async () => {
    const response = await fetch('/account/keep-alive', {
      method: 'POST',
      headers: { 'x-csrf-token': csrfMeta.content },
      credentials: 'same-origin',
    });
    dialog.close();
    if (response.ok) {
      sessionStorage.removeItem(draftKey);
      schedule();
    } else {
      saveDraft();
      location.reload();
    }
  });

  schedule();
})();
