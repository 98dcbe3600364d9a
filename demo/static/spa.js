// Scout demo SPA: renders city index, listings and adverts from the JSON API (no external URLs).
(function () {
  var root = document.getElementById('app');
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }
  function get(url) { return fetch(url).then(function (r) { return r.json(); }); }
  function cities() {
    get('/api/cities').then(function (d) {
      var ul = el('ul', 'cities');
      d.items.forEach(function (c) {
        var a = el('a', 'city-link', c.name); a.href = '/city/' + c.slug;
        var li = el('li'); li.appendChild(a); ul.appendChild(li);
      });
      root.appendChild(ul);
    });
  }
  function listing(slug, page) {
    get('/api/listings?city=' + slug + '&page=' + page).then(function (d) {
      var ul = el('ul', 'listing');
      d.items.forEach(function (it) {
        var a = el('a', 'listing-link', it.title); a.href = it.url;
        var li = el('li', 'listing-item'); li.appendChild(a); ul.appendChild(li);
      });
      root.appendChild(ul);
      if (d.next) {
        var n = el('a', 'next', 'Next'); n.rel = 'next';
        n.href = '/city/' + slug + '?page=' + (page + 1); root.appendChild(n);
      }
    });
  }
  function detail(id) {
    fetch('/api/ads/' + id).then(function (r) {
      if (!r.ok) { root.appendChild(el('p', 'gone', 'Advert not found (' + r.status + ')')); return null; }
      return r.json();
    }).then(function (ad) {
      if (!ad) { return; }
      var art = el('article', 'ad'); art.dataset.id = ad.id;
      art.appendChild(el('h1', 'title', ad.title));
      var text = el('div', 'text'); text.innerHTML = ad.html; art.appendChild(text);
      [['name', ad.name], ['age', String(ad.age)], ['city', ad.city_name],
       ['price', ad.price + ' ' + ad.currency]].forEach(function (f) {
        art.appendChild(el('span', f[0], f[1]));
      });
      ad.images.forEach(function (src) { var i = el('img', 'photo'); i.src = src; art.appendChild(i); });
      if (ad.phone_url) {
        var b = el('button', 'show-number', 'Show number');
        b.addEventListener('click', function () {
          get(ad.phone_url).then(function (p) { b.replaceWith(el('span', 'phone-full', p.phone)); });
        });
        art.appendChild(b);
      }
      root.appendChild(art);
    });
  }
  var path = location.pathname, m;
  if ((m = path.match(/^\/ad\/([\w-]+)$/))) { detail(m[1]); }
  else if ((m = path.match(/^\/city\/([a-z]+)$/))) {
    listing(m[1], parseInt(new URLSearchParams(location.search).get('page') || '1', 10));
  } else { cities(); }
})();
