// Session expiry warning, and what was typed when a session ends. Progressive enhancement:
// without JavaScript the session simply ends after its idle time and the sign-in page says so.
//
// What was typed is kept on the server, never in the browser's storage (office computers are
// shared): just before the session ends, the page sends its forms' fields to
// /account/form-draft; the next visit of the same page by the same user takes them back once.
// Forms marked data-draft="server" (notes, assessments) keep drafts of their own as one types.
(() => {
  'use strict';
  const idleMeta = document.querySelector('meta[name="passerelle-session-idle"]');
  const csrfMeta = document.querySelector('meta[name="csrf-token"]');
  const dialog = document.getElementById('session-warning');
  if (!idleMeta || !csrfMeta || !dialog) return; // nobody is signed in
  let csrf = csrfMeta.content;

  const SKIPPED = ['hidden', 'password', 'file', 'submit', 'button', 'reset', 'image'];
  function draftForms() {
    return Array.from(document.querySelectorAll('main form')).filter(
      (form) => form.method === 'post' && form.dataset.draft !== 'server',
    );
  }
  function kept(field) {
    return field.name && !SKIPPED.includes(field.type) && field.autocomplete !== 'one-time-code';
  }
  function post(url, body) {
    return fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
      credentials: 'same-origin',
      redirect: 'manual',
      keepalive: true,
      body: JSON.stringify(body),
    });
  }

  // Takes back what was typed on this page before a session ended.
  async function restore() {
    const forms = draftForms();
    if (!forms.length) return;
    const response = await post('/account/form-draft/take', { path: location.pathname });
    if (response.status !== 200) return;
    const { fields } = await response.json();
    let restored = false;
    for (const [formIndex, name, value, checked] of fields) {
      const form = forms[formIndex];
      const field = form && form.elements.namedItem(name);
      if (!field) continue;
      if (field instanceof RadioNodeList) {
        for (const f of field) if (f.value === value && kept(f)) { f.checked = Boolean(checked); restored = true; }
        continue;
      }
      if (!kept(field)) continue;
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

  // Sends what is typed on this page; true when the server kept it (or there was nothing).
  async function saveDraft() {
    const fields = [];
    draftForms().forEach((form, formIndex) => {
      for (const field of form.elements) {
        if (!kept(field)) continue;
        const checkable = field.type === 'checkbox' || field.type === 'radio';
        if (checkable ? field.checked : field.value) {
          fields.push([formIndex, field.name, field.value, checkable ? field.checked : null]);
        }
      }
    });
    if (!fields.length) return true;
    try {
      const response = await post('/account/form-draft', { path: location.pathname, fields });
      return response.status === 204;
    } catch {
      return false;
    }
  }

  const idleMs = Number(idleMeta.content) * 1000;
  const warnBeforeMs = Math.min(120000, idleMs / 2);
  const main = document.querySelector('main');
  const ended = document.getElementById('session-ended');
  const notYet = document.getElementById('session-not-yet');
  let warnTimer;
  let saveTimer;
  let leaveTimer;

  // The session is gone before what was typed could be sent (a computer asleep, say): the
  // page hides its content (nobody else should read it) but keeps it, until the user signs in
  // again in another tab and asks to keep it.
  function sessionEnded() {
    clearTimeout(warnTimer);
    main.hidden = true;
    document.getElementById('session-warning-text').hidden = true;
    document.getElementById('session-stay').hidden = true;
    ended.hidden = false;
    if (!dialog.open) dialog.showModal();
  }

  function schedule() {
    clearTimeout(warnTimer);
    clearTimeout(saveTimer);
    clearTimeout(leaveTimer);
    warnTimer = setTimeout(() => dialog.showModal(), idleMs - warnBeforeMs);
    // Just before the end: keep what was typed, then leave the page, which would otherwise
    // stay on screen with its personal data after the session is gone.
    saveTimer = setTimeout(async () => {
      if (await saveDraft()) {
        leaveTimer = setTimeout(() => location.assign('/login?notice=expired'), 10000);
      } else {
        sessionEnded();
      }
    }, Math.max(0, idleMs - 10000));
  }

  document.getElementById('session-stay').addEventListener('click', async () => {
    const response = await fetch('/account/keep-alive', {
      method: 'POST',
      headers: { 'x-csrf-token': csrf },
      credentials: 'same-origin',
      redirect: 'manual',
    });
    if (response.status === 204) {
      dialog.close();
      schedule();
    } else {
      sessionEnded();
    }
  });

  document.getElementById('session-keep').addEventListener('click', async () => {
    // Signed in again in another tab: this page needs that session's anti-forgery token.
    const response = await fetch('/account/csrf-token', { credentials: 'same-origin', redirect: 'manual' });
    if (response.status !== 200) {
      notYet.hidden = false;
      return;
    }
    csrf = (await response.json()).token;
    if (await saveDraft()) {
      location.reload();
    } else {
      notYet.hidden = false;
    }
  });

  restore();
  schedule();
})();
