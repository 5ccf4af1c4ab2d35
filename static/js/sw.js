// stetapp's service worker, served at /sw.js (stetapp.views.service_worker) so that it
// controls every page. It keeps nothing by itself: static/js/offline.js decides what is
// kept (the app shell and the attendance sheets of the user's meetings in the offline
// window, listed by /meetings/offline.json) and puts it in the caches named below. This
// worker only answers from those caches when there is no connection, and never longer
// than 48 hours after the copy was made (docs/offline.md, docs/privacy.md).
"use strict";

var PAGES = "stetapp-pages";
var SHELL = "stetapp-shell";
var STAMP = "X-Stetapp-Stored-At";
var MAX_AGE_MS = 48 * 3600 * 1000;
// The page that lists the sheets kept on this phone (meetings/urls.py: offline_list).
var OFFLINE_LIST = "/meetings/offline/";

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

function wipe() {
  return caches.keys().then(function (keys) {
    return Promise.all(
      keys
        .filter(function (key) {
          return key.indexOf("stetapp-") === 0;
        })
        .map(function (key) {
          return caches.delete(key);
        })
    );
  });
}

function fresh(response) {
  var at = Number(response.headers.get(STAMP));
  return at > 0 && Date.now() - at < MAX_AGE_MS;
}

// A kept copy, or null; a copy older than 48 hours removes everything kept.
// (caches.open would create an empty cache: look without creating one.)
function kept(cacheName, request) {
  return caches
    .has(cacheName)
    .then(function (exists) {
      return exists ? caches.match(request, { cacheName: cacheName, ignoreSearch: true }) : null;
    })
    .then(function (response) {
      if (!response) {
        return null;
      }
      if (!fresh(response)) {
        return wipe().then(function () {
          return null;
        });
      }
      return response;
    });
}

// Refresh a kept page with what the server just sent (only pages already kept: which
// pages may be kept is decided by offline.js from the server's list). Signed out (sent
// to sign in): no page with names stays. Refused or gone: that page goes.
function refresh(path, response) {
  if (response.redirected && new URL(response.url).pathname.indexOf("/accounts/login") === 0) {
    return caches.delete(PAGES);
  }
  return caches.has(PAGES).then(function (exists) {
    return exists ? caches.open(PAGES) : null;
  }).then(function (cache) {
    if (!cache) {
      return;
    }
    return cache.match(path).then(function (old) {
      if (!old) {
        return;
      }
      if (response.status === 403 || response.status === 404) {
        return cache.delete(path);
      }
      if (!response.ok || response.redirected) {
        return;
      }
      return response.blob().then(function (body) {
        var headers = new Headers(response.headers);
        headers.set(STAMP, String(Date.now()));
        return cache.put(
          path,
          new Response(body, { status: response.status, headers: headers })
        );
      });
    });
  });
}

function noConnection() {
  var html =
    '<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    "<title>Geen verbinding · stetapp</title></head><body>" +
    "<h1>Geen verbinding</h1><p>Deze pagina is niet op deze telefoon bewaard. " +
    "Probeer het opnieuw als je online bent.</p>" +
    '<h1 lang="en">No connection</h1><p lang="en">This page is not kept on this ' +
    "phone. Try again when you are online.</p></body></html>";
  return new Response(html, {
    status: 503,
    headers: { "Content-Type": "text/html; charset=utf-8" },
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") {
    return;
  }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(
      fetch(request)
        .then(function (response) {
          event.waitUntil(refresh(url.pathname, response.clone()));
          return response;
        })
        .catch(function () {
          return kept(PAGES, url.pathname)
            .then(function (response) {
              return response || kept(PAGES, OFFLINE_LIST);
            })
            .then(function (response) {
              return response || noConnection();
            });
        })
    );
    return;
  }
  if (url.pathname.indexOf("/static/") === 0 && !request.headers.get("X-Stetapp-Refresh")) {
    event.respondWith(
      kept(SHELL, request).then(function (response) {
        return response || fetch(request);
      })
    );
  }
});

// offline.js asks for everything to be removed (sign-out, another user, role ended).
self.addEventListener("message", function (event) {
  if (event.data === "stetapp:wipe") {
    event.waitUntil(wipe());
  }
});
