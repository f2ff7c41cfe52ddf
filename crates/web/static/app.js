// Progressive enhancement shared by pages that use htmx: every htmx request carries the
// anti-forgery token in a header (forms carry it in their body too), and announces nothing
// twice. Pages work without this file.
document.addEventListener('htmx:configRequest', function (event) {
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) {
    event.detail.headers['X-CSRF-Token'] = meta.content;
  }
});
