/* dealkit: charts sized to the printed page. Plotly draws SVGs of a fixed pixel size for the
   screen; before printing each gets a viewBox so the print stylesheet can scale it to the page
   width (nothing cut off); after printing the screen drawing is restored. */
(function () {
  function svgs() { return document.querySelectorAll('.js-plotly-plot svg.main-svg'); }
  window.addEventListener('beforeprint', function () {
    svgs().forEach(function (s) {
      var w = s.getAttribute('width'), h = s.getAttribute('height');
      if (!w || !h || s.hasAttribute('data-dk-w')) return;
      s.setAttribute('data-dk-w', w); s.setAttribute('data-dk-h', h);
      s.setAttribute('viewBox', '0 0 ' + w + ' ' + h);
      s.setAttribute('preserveAspectRatio', 'xMinYMin meet');
    });
    document.documentElement.classList.add('dk-printing');
    // tables wider than the paper (about 600 CSS px for a table between the margins and the cell padding of A4 or Letter) are
    // scaled down to fit: every column stays on the page
    document.querySelectorAll('.dealkit-table-wrap > table, .jp-RenderedHTMLCommon > table').forEach(function (t) {
      var keep = [t.style.width, t.style.fontSize, t.style.tableLayout];
      t.style.fontSize = '8pt'; t.style.tableLayout = 'auto'; t.style.width = 'min-content';
      var need = t.offsetWidth;
      t.style.width = keep[0]; t.style.fontSize = keep[1]; t.style.tableLayout = keep[2];
      if (need > 600) { t.style.zoom = String(Math.max(0.4, 600 / need)); t.setAttribute('data-dk-zoom', '1'); }
    });
  });
  window.addEventListener('afterprint', function () {
    svgs().forEach(function (s) {
      if (!s.hasAttribute('data-dk-w')) return;
      s.removeAttribute('viewBox'); s.removeAttribute('data-dk-w'); s.removeAttribute('data-dk-h');
    });
    document.documentElement.classList.remove('dk-printing');
    document.querySelectorAll('[data-dk-zoom]').forEach(function (t) { t.style.zoom = ''; t.removeAttribute('data-dk-zoom'); });
  });
})();
