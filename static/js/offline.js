// The attendance sheet without a connection (docs/offline.md).
//
// Where the browser has a service worker, IndexedDB and Cache Storage (Chrome on Android,
// Safari on iOS 11.3 and later; not in every private window), every tap on the sheet is
// first written to a queue on the phone, with a client id and the time it was made, and
// then sent to the server in batches (POST …/attendance/sync). Without a connection the
// sheet keeps working and says how many marks wait. Where any of those is missing, this
// file does nothing and the sheet works as before: each tap is posted by htmx.
//
// What is kept on the phone (docs/privacy.md): in Cache Storage the app shell and the
// sheets of the user's meetings in the offline window (names only, as the page shows
// them); in IndexedDB the queue of unsent taps (ids and marks, no names) and who it
// belongs to. All of it is removed at sign-out, when another user signs in, when the
// server no longer lists a sheet (role ended), and 48 hours after the last contact. When
// the session has ended the sheets go at once; unsent taps stay (at most 48 hours) so
// that signing in again sends them.
(function () {
  "use strict";

  var DB_NAME = "stetapp-offline";
  var PAGES = "stetapp-pages";
  var SHELL = "stetapp-shell";
  var STAMP = "X-Stetapp-Stored-At";
  var MAX_AGE_MS = 48 * 3600 * 1000;
  var REFRESH_MS = 2 * 60 * 1000;
  var body = document.body;
  var supported =
    window.isSecureContext &&
    "serviceWorker" in navigator &&
    "indexedDB" in window &&
    "caches" in window &&
    typeof Promise !== "undefined" &&
    typeof fetch !== "undefined";

  // --- IndexedDB ------------------------------------------------------------------------

  var dbPromise = null;

  function openDb() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        var request;
        try {
          request = indexedDB.open(DB_NAME, 1);
        } catch (error) {
          reject(error);
          return;
        }
        request.onupgradeneeded = function () {
          var db = request.result;
          db.createObjectStore("queue", { keyPath: "client_id" });
          db.createObjectStore("meta");
          db.createObjectStore("mine");
        };
        request.onsuccess = function () {
          resolve(request.result);
        };
        request.onerror = function () {
          reject(request.error);
        };
        request.onblocked = function () {
          reject(new Error("blocked"));
        };
      });
    }
    return dbPromise;
  }

  function withStore(name, mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(name, mode);
        var result = work(tx.objectStore(name));
        tx.oncomplete = function () {
          resolve(result && "result" in result ? result.result : result);
        };
        tx.onerror = function () {
          reject(tx.error);
        };
        tx.onabort = function () {
          reject(tx.error);
        };
      });
    });
  }

  function getAll(name) {
    return withStore(name, "readonly", function (store) {
      return store.getAll();
    });
  }

  function getMeta(key) {
    return withStore("meta", "readonly", function (store) {
      return store.get(key);
    });
  }

  function setMeta(key, value) {
    return withStore("meta", "readwrite", function (store) {
      store.put(value, key);
    });
  }

  function queued(meeting) {
    return getAll("queue").then(function (items) {
      return items
        .filter(function (item) {
          return meeting === undefined || item.meeting === meeting;
        })
        .sort(function (a, b) {
          return a.tapped_at < b.tapped_at ? -1 : a.tapped_at > b.tapped_at ? 1 : 0;
        });
    });
  }

  // --- removing what is kept ------------------------------------------------------------

  function deleteCaches(names) {
    return caches.keys().then(function (keys) {
      return Promise.all(
        keys
          .filter(function (key) {
            return names ? names.indexOf(key) !== -1 : key.indexOf("stetapp-") === 0;
          })
          .map(function (key) {
            return caches.delete(key);
          })
      );
    });
  }

  // Everything: caches, the queue, the database itself.
  function wipeAll() {
    var closing = dbPromise
      ? dbPromise.then(
          function (db) {
            db.close();
          },
          function () {}
        )
      : Promise.resolve();
    dbPromise = null;
    if (navigator.serviceWorker && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage("stetapp:wipe");
    }
    return Promise.all([
      deleteCaches(),
      closing.then(function () {
        return new Promise(function (resolve) {
          var request = indexedDB.deleteDatabase(DB_NAME);
          request.onsuccess = request.onerror = request.onblocked = function () {
            resolve();
          };
        });
      }),
    ]);
  }

  // The sheets (the names) only; unsent taps stay for the same user to send.
  function wipeSheets() {
    return deleteCaches([PAGES, SHELL]);
  }

  // Older than 48 hours since the last contact with the server: everything goes.
  function expireIfOld() {
    return getMeta("contactAt").then(function (at) {
      if (at && Date.now() - at > MAX_AGE_MS) {
        return wipeAll().then(function () {
          return true;
        });
      }
      return false;
    });
  }

  // --- keeping the sheets ---------------------------------------------------------------

  function stamped(response) {
    return response.blob().then(function (blob) {
      var headers = new Headers(response.headers);
      headers.set(STAMP, String(Date.now()));
      return new Response(blob, { status: response.status, headers: headers });
    });
  }

  // Keep exactly `urls` in the cache: remove any other, fetch the missing ones (and, when
  // `full`, fetch every one again).
  function keep(cacheName, urls, full) {
    if (!urls.length) {
      // Nothing to keep (no meetings in the window, or not a facilitator or volunteer).
      return caches.delete(cacheName);
    }
    return caches.open(cacheName).then(function (cache) {
      return cache.keys().then(function (old) {
        var wanted = urls.map(function (url) {
          return new URL(url, location.href).href;
        });
        var removals = old
          .filter(function (request) {
            return wanted.indexOf(request.url) === -1;
          })
          .map(function (request) {
            return cache.delete(request);
          });
        var have = old.map(function (request) {
          return request.url;
        });
        var additions = urls.filter(function (url, i) {
          return full || have.indexOf(wanted[i]) === -1;
        }).map(function (url) {
          return fetch(url, { credentials: "same-origin", headers: { "X-Stetapp-Refresh": "1" } })
            .then(function (response) {
              if (!response.ok || response.redirected) {
                return cache.delete(url);
              }
              return stamped(response).then(function (copy) {
                return cache.put(url, copy);
              });
            })
            .catch(function () {});
        });
        return Promise.all(removals.concat(additions));
      });
    });
  }

  // Refresh one page, only if it is kept already.
  function keepOne(url) {
    return caches.has(PAGES).then(function (exists) {
      return exists ? caches.open(PAGES) : null;
    }).then(function (cache) {
      if (!cache) {
        return;
      }
      return cache.match(url).then(function (old) {
        if (!old) {
          return;
        }
        return fetch(url, { credentials: "same-origin" }).then(function (response) {
          if (response.ok && !response.redirected) {
            return stamped(response).then(function (copy) {
              return cache.put(url, copy);
            });
          }
        });
      });
    }).catch(function () {});
  }

  // Ask the server what this phone may keep, and keep exactly that. Answers: the data
  // (signed in), a redirect to sign-in (signed out), anything else (try again later).
  var csrfToken = null;

  function contact(full) {
    var url = body.getAttribute("data-offline-data");
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(
      function (response) {
        if (response.redirected || response.status === 401) {
          return wipeSheets().then(function () {
            return "signed-out";
          });
        }
        if (!response.ok) {
          return "unavailable";
        }
        return response.json().then(function (data) {
          csrfToken = data.csrf;
          return getMeta("user").then(function (user) {
            var reset = user !== undefined && user !== data.user ? wipeAll() : Promise.resolve();
            return reset
              .then(function () {
                return setMeta("user", data.user);
              })
              .then(function () {
                return setMeta("contactAt", Date.now());
              })
              .then(function () {
                return Promise.all([keep(SHELL, data.shell, full), keep(PAGES, data.pages, full)]);
              })
              .then(function () {
                return data;
              });
          });
        });
      }
    );
  }

  // Every page asks (a role that ended removes the sheets on the next contact); the kept
  // pages themselves are fetched again at most every two minutes.
  function refreshKept() {
    return getMeta("refreshedAt").then(function (at) {
      var full = !at || Date.now() - at >= REFRESH_MS;
      return contact(full).then(function (answer) {
        // Only a completed contact counts (a page left half-way keeps nothing).
        var done = full && answer && answer.user !== undefined;
        return done ? setMeta("refreshedAt", Date.now()) : null;
      });
    });
  }

  // --- sending the queue ----------------------------------------------------------------

  var listeners = [];
  var sending = false;
  var again = false;

  function send(items, token) {
    var url = items[0].sync_url;
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token },
      body: JSON.stringify({ marks: items }),
    });
  }

  // Send the queued taps of one meeting. Resolves to {state, results} or {problem}.
  function syncMeeting(items) {
    var token = csrfToken || pageToken();
    return send(items, token).then(function (response) {
      if (response.status === 403 && !response.redirected) {
        // A stale CSRF token, or the role ended: ask the server which.
        return contact(false).then(function (answer) {
          if (answer === "signed-out") {
            return { problem: "signed-out" };
          }
          if (answer && answer.csrf) {
            return send(items, answer.csrf).then(function (retry) {
              return readSync(retry, items);
            });
          }
          return { problem: "unavailable" };
        });
      }
      return readSync(response, items);
    });
  }

  function readSync(response, items) {
    if (response.redirected || response.status === 401) {
      return wipeSheets().then(function () {
        return { problem: "signed-out" };
      });
    }
    if (response.status === 403 && response.headers.get("X-CSRF-Failure")) {
      // The security token was refused, even a fresh one (signed in again in another
      // window, say): nothing is wrong with the marks. Keep them and try again later.
      return { problem: "unavailable" };
    }
    if (response.status === 403 || response.status === 404) {
      // No longer allowed to take attendance here: the server will never accept these.
      return removeQueued(items).then(function () {
        return { problem: "refused" };
      });
    }
    if (!response.ok) {
      return { problem: "unavailable" };
    }
    return response.json().then(function (data) {
      var done = data.results.map(function (r) {
        return r.client_id;
      });
      return withStore("queue", "readwrite", function (store) {
        done.forEach(function (id) {
          store.delete(id);
        });
      }).then(function () {
        return { state: data, results: data.results, meeting: items[0].meeting };
      });
    });
  }

  function removeQueued(items) {
    return withStore("queue", "readwrite", function (store) {
      items.forEach(function (item) {
        store.delete(item.client_id);
      });
    });
  }

  function pageToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // Send everything queued, meeting by meeting; one run at a time (taps made while a
  // request is in flight wait for the next run).
  function syncAll() {
    if (sending) {
      again = true;
      return Promise.resolve();
    }
    sending = true;
    again = false;
    var outcome = { problem: null, sent: false };
    return queued()
      .then(function (items) {
        if (!items.length || !navigator.onLine) {
          outcome.problem = items.length ? "offline" : null;
          return;
        }
        var byMeeting = {};
        items.forEach(function (item) {
          (byMeeting[item.meeting] = byMeeting[item.meeting] || []).push(item);
        });
        return Object.keys(byMeeting).reduce(function (chain, meeting) {
          return chain.then(function () {
            return syncMeeting(byMeeting[meeting]).then(function (result) {
              if (result.problem) {
                outcome.problem = outcome.problem || result.problem;
              } else {
                outcome.sent = true;
              }
              listeners.forEach(function (listener) {
                listener(result);
              });
            });
          });
        }, Promise.resolve());
      })
      .catch(function () {
        outcome.problem = "offline";
      })
      .then(function () {
        sending = false;
        listeners.forEach(function (listener) {
          listener({ finished: true, problem: outcome.problem, sent: outcome.sent });
        });
        if (again) {
          return syncAll();
        }
      });
  }

  // --- the sheet ------------------------------------------------------------------------

  function uuid() {
    if (window.crypto && crypto.randomUUID) {
      return crypto.randomUUID();
    }
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map
      .call(bytes, function (b) {
        return (b + 0x100).toString(16).slice(1);
      })
      .join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, key) {
      return values[key];
    });
  }

  function Sheet(element, config) {
    this.element = element;
    this.config = config;
    this.text = config.text;
    this.meeting = config.meeting;
    this.pending = {};
    this.touched = false;
  }

  Sheet.prototype.row = function (participant) {
    return this.element.querySelector("#attendance-row-" + participant);
  };

  Sheet.prototype.statusOf = function (row) {
    var pressed = row.querySelector('.attendance-btn[aria-pressed="true"]');
    return pressed ? pressed.value : "";
  };

  // Show a person's mark the way the server renders it (_attendance_row.html).
  Sheet.prototype.show = function (participant, status, pending) {
    var row = this.row(participant);
    if (!row) {
      return;
    }
    row.classList.toggle("is-marked", !!status);
    row.classList.toggle("is-pending", !!pending);
    var badge = row.querySelector(".attendance-unmarked");
    if (status && badge) {
      badge.remove();
    } else if (!status && !badge) {
      var name = row.querySelector(".attendance-name");
      badge = document.createElement("span");
      badge.className = "badge text-bg-light attendance-unmarked";
      badge.textContent = this.text.unmarked;
      name.appendChild(document.createTextNode(" "));
      name.appendChild(badge);
    }
    row.querySelectorAll(".attendance-btn").forEach(function (button) {
      var on = button.value === status;
      button.setAttribute("aria-pressed", on ? "true" : "false");
      var check = button.querySelector("span[aria-hidden]");
      if (on && !check) {
        check = document.createElement("span");
        check.setAttribute("aria-hidden", "true");
        check.textContent = "✓ ";
        button.insertBefore(check, button.firstChild);
      } else if (!on && check) {
        check.remove();
      }
    });
  };

  Sheet.prototype.recount = function () {
    var rows = this.element.querySelectorAll(".attendance-row");
    var marked = 0;
    var present = 0;
    var self = this;
    rows.forEach(function (row) {
      var status = self.statusOf(row);
      if (status) {
        marked += 1;
      }
      if (status === "present") {
        present += 1;
      }
    });
    var count = this.element.querySelector("#attendance-count");
    if (count) {
      count.textContent = format(this.text.count, {
        marked: marked,
        enrolled: rows.length,
        present: present,
      });
    }
  };

  Sheet.prototype.say = function (message) {
    var line = this.element.querySelector("#attendance-offline-status");
    if (line && line.textContent !== message) {
      line.textContent = message;
    }
  };

  Sheet.prototype.note = function (message) {
    var list = this.element.querySelector("#attendance-notes");
    if (!list || !message) {
      return;
    }
    var item = document.createElement("li");
    item.className = "alert alert-warning py-2 mb-2";
    item.textContent = message;
    list.appendChild(item);
  };

  Sheet.prototype.addGuest = function (name, isTrial, pending) {
    var section = this.element.querySelector("[aria-labelledby=guests-heading]");
    if (!section) {
      return;
    }
    var list = section.querySelector("ul.attendance-guests");
    if (!list) {
      list = section.querySelector("ul");
      if (!list) {
        list = document.createElement("ul");
        list.className = "mb-3";
        var empty = section.querySelector("p.text-body-secondary");
        if (empty) {
          empty.replaceWith(list);
        } else {
          section.insertBefore(list, section.querySelector("form"));
        }
      }
    }
    var item = document.createElement("li");
    item.textContent = name + " · " + (isTrial ? this.text.trial : this.text.guest);
    if (pending) {
      item.className = "is-pending";
      item.setAttribute("data-pending-guest", "");
    }
    list.appendChild(item);
  };

  Sheet.prototype.enqueue = function (fields) {
    var item = {
      client_id: uuid(),
      tapped_at: new Date().toISOString(),
      meeting: this.meeting,
      sync_url: this.config.syncUrl,
      seen_starts_at: this.config.startsAt,
    };
    Object.keys(fields).forEach(function (key) {
      item[key] = fields[key];
    });
    if (item.participant) {
      this.pending[item.participant] = true;
    }
    this.touched = true;
    return withStore("queue", "readwrite", function (store) {
      store.put(item);
    });
  };

  Sheet.prototype.tap = function (participant, status) {
    var row = this.row(participant);
    var base = row ? this.statusOf(row) : "";
    this.show(participant, status, true);
    this.recount();
    return this.enqueue({ participant: Number(participant), status: status, base: base });
  };

  Sheet.prototype.restPresent = function () {
    var self = this;
    var work = [];
    this.element.querySelectorAll(".attendance-row").forEach(function (row) {
      if (!self.statusOf(row)) {
        var participant = row.id.replace("attendance-row-", "");
        self.show(participant, "present", true);
        work.push(
          self.enqueue({
            participant: Number(participant),
            status: "present",
            base: "",
            only_if_unmarked: true,
          })
        );
      }
    });
    this.recount();
    return Promise.all(work);
  };

  Sheet.prototype.guest = function (form) {
    var input = form.querySelector("input[name=name]");
    var trial = form.querySelector("input[name=is_trial]");
    var name = input.value.replace(/\s+/g, " ").trim();
    if (!name) {
      input.focus();
      return Promise.resolve();
    }
    var isTrial = !!(trial && trial.checked);
    this.addGuest(name, isTrial, true);
    input.value = "";
    if (trial) {
      trial.checked = false;
    }
    return this.enqueue({ guest_name: name, is_trial: isTrial, status: "present" });
  };

  // Put the queue's taps on the page as it was loaded (a reload, or a kept copy).
  Sheet.prototype.overlay = function () {
    var self = this;
    return queued(this.meeting).then(function (items) {
      items.forEach(function (item) {
        var row = item.participant ? self.row(item.participant) : null;
        if (row) {
          self.pending[item.participant] = true;
          if (!item.only_if_unmarked || !self.statusOf(row)) {
            self.show(item.participant, item.status, true);
          }
        } else if (item.guest_name) {
          self.addGuest(item.guest_name, item.is_trial, true);
        }
      });
      self.recount();
      return items.length;
    });
  };

  // After a batch was sent: the server's marks for everyone not still waiting, what
  // happened to each tap, and (the losing side) what someone else decided.
  Sheet.prototype.received = function (result) {
    var self = this;
    var state = result.state;
    queued(this.meeting).then(function (left) {
      var waiting = {};
      left.forEach(function (item) {
        if (item.participant) {
          waiting[item.participant] = true;
        }
      });
      self.pending = waiting;
      self.element.querySelectorAll(".attendance-row").forEach(function (row) {
        var participant = row.id.replace("attendance-row-", "");
        if (!waiting[participant]) {
          var mark = state.marks[participant];
          self.show(participant, mark ? mark.status : "", false);
        }
      });
      self.recount();
      var guests = self.element.querySelectorAll("[data-pending-guest]");
      if (!left.some(function (item) {
        return !item.participant;
      })) {
        guests.forEach(function (item) {
          item.classList.remove("is-pending");
          item.removeAttribute("data-pending-guest");
        });
      }
    }).catch(function () {});
    result.results.forEach(function (r) {
      self.note(r.message);
    });
    return this.compareMine(result);
  };

  // Marks this phone saved earlier that someone else changed since: say so, once.
  Sheet.prototype.compareMine = function (result) {
    var self = this;
    var meeting = this.meeting;
    var applied = {};
    result.results.forEach(function (r) {
      if (r.participant && (r.outcome === "applied" || r.outcome === "duplicate")) {
        applied[r.participant] = r.status;
      }
    });
    return withStore("mine", "readwrite", function (store) {
      var request = store.get(meeting);
      request.onsuccess = function () {
        var mine = request.result || {};
        Object.keys(mine).forEach(function (participant) {
          var now = result.state.marks[participant];
          if (now && now.status !== mine[participant] && !(participant in applied)) {
            var row = self.row(participant);
            var name = row ? row.querySelector(".attendance-name").firstChild.textContent.trim() : "";
            self.note(
              format(self.text.changed, { name: name, by: now.by, status: self.label(now.status) })
            );
            delete mine[participant];
          }
        });
        Object.keys(applied).forEach(function (participant) {
          mine[participant] = applied[participant];
        });
        store.put(mine, meeting);
      };
    });
  };

  Sheet.prototype.label = function (status) {
    var button = this.element.querySelector('.attendance-btn[value="' + status + '"]');
    return button ? button.textContent.replace("✓", "").trim() : status;
  };

  Sheet.prototype.report = function (problem) {
    var self = this;
    return queued(this.meeting).then(function (left) {
      var n = left.length;
      if (problem === "signed-out" && n) {
        self.say(n === 1 ? self.text.signedOutOne : format(self.text.signedOut, { n: n }));
      } else if (problem === "refused") {
        self.say(self.text.refused);
      } else if (n && (problem === "offline" || problem === "unavailable" || !navigator.onLine)) {
        self.say(n === 1 ? self.text.offlineOne : format(self.text.offline, { n: n }));
      } else if (n) {
        self.say(format(self.text.sending, { n: n }));
      } else if (self.touched) {
        self.say(self.text.saved);
      }
    });
  };

  var lastClicked = null;
  document.addEventListener(
    "click",
    function (event) {
      var button = event.target && event.target.closest ? event.target.closest("button") : null;
      lastClicked = button && button.type === "submit" ? button : lastClicked;
    },
    true
  );

  Sheet.prototype.start = function () {
    var self = this;
    var form = function (event) {
      return event.target.closest ? event.target : null;
    };
    // Capture phase: before htmx sees the submit, so that the tap goes to the queue.
    document.addEventListener(
      "submit",
      function (event) {
        var target = form(event);
        if (!target || !self.element.contains(target)) {
          return;
        }
        var work = null;
        if (target.querySelector("input[name=participant]")) {
          // event.submitter: Safari 15.4 and later; before that, the button last clicked.
          var button = event.submitter || lastClicked;
          var participant = target.querySelector("input[name=participant]").value;
          if (button && button.name === "status") {
            work = self.tap(participant, button.value);
          }
        } else if (target.querySelector("#rest-present")) {
          work = self.restPresent();
        } else if (target.classList.contains("attendance-guest-form")) {
          work = self.guest(target);
        } else {
          return;
        }
        if (!work) {
          return; // not understood: let the form post as before
        }
        event.preventDefault();
        event.stopPropagation();
        if (work) {
          work
            .then(function () {
              return self.report(navigator.onLine ? null : "offline");
            })
            .then(syncAll)
            .catch(function () {
              // The phone refused to store the tap (storage full or switched off).
              var region = self.element.querySelector("#attendance-error");
              if (region) {
                region.textContent = self.element.getAttribute("data-error-message") || "";
              }
            });
        }
      },
      true
    );
    listeners.push(function (result) {
      if (result.state && result.meeting === self.meeting) {
        self.received(result).catch(function () {});
      }
      if (result.finished) {
        self.report(result.problem);
        if (result.sent && !result.problem && navigator.onLine) {
          // Keep the copy on the phone as fresh as the server.
          keepOne(location.pathname);
        }
      }
    });
    return this.overlay().then(function (n) {
      self.touched = self.touched || n > 0;
      return self.report(navigator.onLine ? null : "offline");
    });
  };

  // --- sign-out -------------------------------------------------------------------------

  function isSignOut(formElement) {
    if (formElement.hasAttribute("data-offline-sign-out")) {
      return true;
    }
    try {
      return /\/accounts\/logout\/?$/.test(new URL(formElement.action, location.href).pathname);
    } catch (error) {
      return false;
    }
  }

  function guardSignOut() {
    document.addEventListener(
      "submit",
      function (event) {
        var target = event.target;
        if (!target || target.dataset.offlineCleared === "1" || !isSignOut(target)) {
          return;
        }
        event.preventDefault();
        var timeout = new Promise(function (resolve) {
          setTimeout(resolve, 4000);
        });
        Promise.race([syncAll(), timeout])
          .then(function () {
            return queued().catch(function () {
              return [];
            });
          })
          .then(function (left) {
            var question = target.getAttribute("data-offline-unsent");
            if (left.length && question && !window.confirm(question)) {
              return false;
            }
            return wipeAll().then(function () {
              return true;
            });
          })
          .catch(function () {
            return wipeAll().then(function () {
              return true;
            });
          })
          .then(function (go) {
            if (go) {
              target.dataset.offlineCleared = "1";
              target.submit();
            }
          });
      },
      true
    );
  }

  // --- start ----------------------------------------------------------------------------

  function start() {
    var user = body.getAttribute("data-offline-user");
    var sheetElement = document.querySelector("[data-attendance-sheet]");
    var configElement = document.getElementById("attendance-offline");
    if (!user) {
      // Signed out (or the session ended): no names stay on the phone.
      deleteCaches([PAGES, SHELL]).catch(function () {});
      return;
    }
    guardSignOut();
    openDb()
      .then(expireIfOld)
      .then(function () {
        return getMeta("user");
      })
      .then(function (owner) {
        if (owner !== undefined && String(owner) !== user) {
          return wipeAll();
        }
      })
      .then(function () {
        navigator.serviceWorker.register(body.getAttribute("data-offline-sw"), { scope: "/" }).catch(function () {});
        var sheet = null;
        if (sheetElement && configElement) {
          sheet = new Sheet(sheetElement, JSON.parse(configElement.textContent));
          sheetElement.setAttribute("data-offline-ready", "");
        }
        var ready = sheet ? sheet.start() : Promise.resolve();
        return ready.then(function () {
          if (navigator.onLine) {
            return refreshKept()
              .catch(function () {})
              .then(syncAll);
          }
        });
      })
      .catch(function () {
        // No IndexedDB here (a private window, storage switched off): the sheet works as
        // before, one htmx post per tap.
      });
    window.addEventListener("online", function () {
      syncAll();
    });
    setInterval(function () {
      if (navigator.onLine) {
        queued()
          .then(function (items) {
            if (items.length) {
              syncAll();
            }
          })
          .catch(function () {});
      }
    }, 20000);
  }

  if (!supported) {
    return;
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
