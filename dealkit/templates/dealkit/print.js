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
  });
  window.addEventListener('afterprint', function () {
    svgs().forEach(function (s) {
      if (!s.hasAttribute('data-dk-w')) return;
      s.removeAttribute('viewBox'); s.removeAttribute('data-dk-w'); s.removeAttribute('data-dk-h');
    });
    document.documentElement.classList.remove('dk-printing');
  });
})();
