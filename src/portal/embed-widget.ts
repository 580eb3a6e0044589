/**
 * The provincial website widget's script, served as `/embed/widget.js` (kept as text: it runs in other sites'
 * browsers, plain ES5 without modules). See docs/federation.md for how a site includes it.
 */
export const WIDGET_SCRIPT = String.raw`/*
 * truyxuat website widget. On any page:
 *   <script src="https://truyxuat.example/embed/widget.js" async></script>
 *   <div data-truyxuat="search"></div>                          a product search
 *   <div data-truyxuat="product" data-gtin="0893…" data-lot="L1"></div>   a product's story
 * Optional: data-lang="en", data-height="480". Each element becomes an iframe served by the platform.
 */
(function () {
  'use strict';
  var script = document.currentScript;
  var origin = script ? new URL(script.src).origin : '';
  function mount(el) {
    if (el.getAttribute('data-truyxuat-mounted')) return;
    var kind = el.getAttribute('data-truyxuat');
    var lang = el.getAttribute('data-lang') === 'en' ? 'en' : 'vi';
    var path;
    if (kind === 'search') path = '/embed/search';
    else if (kind === 'product') {
      var gtin = (el.getAttribute('data-gtin') || '').replace(/\D/g, '');
      if (!gtin) return;
      var lot = el.getAttribute('data-lot');
      path = '/embed/p/01/' + gtin + (lot ? '/10/' + encodeURIComponent(lot) : '');
    } else return;
    var frame = document.createElement('iframe');
    frame.src = origin + path + '?lang=' + lang;
    frame.title = lang === 'en' ? 'Product traceability' : 'Truy xuất nguồn gốc sản phẩm';
    frame.loading = 'lazy';
    frame.referrerPolicy = 'no-referrer';
    frame.setAttribute(
      'sandbox',
      'allow-forms allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation',
    );
    frame.style.width = '100%';
    frame.style.border = '0';
    frame.style.height = (parseInt(el.getAttribute('data-height'), 10) || 420) + 'px';
    el.setAttribute('data-truyxuat-mounted', '1');
    el.appendChild(frame);
  }
  function mountAll() {
    var nodes = document.querySelectorAll('[data-truyxuat]');
    for (var i = 0; i < nodes.length; i++) mount(nodes[i]);
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', mountAll);
  else mountAll();
})();
`;
