/* The check-in page: a typed, pasted or camera-read ticket code is sent to the server; offline,
   the scan is queued in this browser (localStorage) and sent as a batch when the network is back.
   The server applies each scan once, so a batch sent twice counts once. */
(function () {
  "use strict";
  function ready(fn) { if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); } }

  ready(function () {
    var root = document.getElementById("checkin");
    if (!root) { return; }
    var form = document.getElementById("checkin-form");
    var input = document.getElementById("ticket-code");
    var result = document.getElementById("checkin-result");
    var count = document.getElementById("checked-in-count");
    var queueCount = document.getElementById("queue-count");
    var offlineStatus = document.getElementById("offline-status");
    var pk = root.dataset.activity;
    var queueKey = "kexie-checkin-queue-" + pk;
    var rosterKey = "kexie-checkin-roster-" + pk;
    var deviceKey = "kexie-checkin-device";

    function csrf() {
      var field = form.querySelector("input[name=csrfmiddlewaretoken]");
      return field ? field.value : "";
    }
    function load(key, fallback) {
      try { return JSON.parse(localStorage.getItem(key)) || fallback; } catch (e) { return fallback; }
    }
    function save(key, value) { localStorage.setItem(key, JSON.stringify(value)); }
    function device() {
      var id = localStorage.getItem(deviceKey);
      if (!id) { id = "web-" + Math.random().toString(36).slice(2, 10); localStorage.setItem(deviceKey, id); }
      return id;
    }
    function show(outcome, message) {
      result.className = "checkin-result outcome-" + outcome;
      result.textContent = message;
    }
    function refreshQueue() {
      queueCount.textContent = String(load(queueKey, []).length);
      var roster = load(rosterKey, null);
      offlineStatus.textContent = roster ? root.dataset.msgRoster + " " + roster.tickets.length : "";
    }
    function op() {
      var checked = form.querySelector("input[name=op]:checked");
      return checked ? checked.value : "in";
    }
    function queue(code, operation) {
      var items = load(queueKey, []);
      items.push({code: code, op: operation, at: new Date().toISOString(), device: device()});
      save(queueKey, items);
      var roster = load(rosterKey, null);
      var known = roster && roster.tickets.filter(function (t) { return t.code === code; })[0];
      show("queued", (known ? known.name + " · " : root.dataset.msgUnknown + " ") + root.dataset.msgQueued);
      refreshQueue();
    }
    function send(code, operation) {
      var body = new URLSearchParams();
      body.set("code", code);
      body.set("op", operation);
      return fetch(root.dataset.scanUrl, {
        method: "POST", body: body, credentials: "same-origin",
        headers: {"X-CSRFToken": csrf(), "Accept": "application/json"}
      }).then(function (response) {
        return response.json().then(function (data) {
          show(data.outcome, data.message);
          if (typeof data.checked_in === "number") { count.textContent = String(data.checked_in); }
        });
      });
    }
    function submitCode(code) {
      code = (code || "").trim();
      if (!code) { return; }
      var operation = op();
      if (!navigator.onLine) { queue(code, operation); return; }
      send(code, operation).catch(function () { queue(code, operation); });
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      submitCode(input.value);
      input.value = "";
      input.focus();
    });

    function sync() {
      var items = load(queueKey, []);
      if (!items.length || !navigator.onLine) { return; }
      fetch(root.dataset.syncUrl, {
        method: "POST", credentials: "same-origin", body: JSON.stringify({scans: items}),
        headers: {"X-CSRFToken": csrf(), "Content-Type": "application/json", "Accept": "application/json"}
      }).then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      }).then(function (data) {
        // Only what was sent leaves the queue: scans queued meanwhile stay for the next batch.
        save(queueKey, load(queueKey, []).slice(items.length));
        if (typeof data.checked_in === "number") { count.textContent = String(data.checked_in); }
        show("ok", root.dataset.msgSynced + " " + data.results.length);
        refreshQueue();
      }).catch(function () { refreshQueue(); });
    }
    document.getElementById("queue-sync").addEventListener("click", sync);
    window.addEventListener("online", sync);

    document.getElementById("roster-download").addEventListener("click", function () {
      fetch(root.dataset.rosterUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (response) { return response.json(); })
        .then(function (data) { save(rosterKey, data); refreshQueue(); });
    });

    // The camera, where the browser reads QR codes itself (BarcodeDetector).
    var button = document.getElementById("camera-start");
    var video = document.getElementById("camera");
    if ("BarcodeDetector" in window && navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var detector = new window.BarcodeDetector({formats: ["qr_code"]});
        var last = "", lastAt = 0;
        navigator.mediaDevices.getUserMedia({video: {facingMode: "environment"}}).then(function (stream) {
          video.srcObject = stream;
          video.hidden = false;
          button.hidden = true;
          return video.play();
        }).then(function () {
          function tick() {
            detector.detect(video).then(function (codes) {
              var now = Date.now();
              if (codes.length) {
                var value = codes[0].rawValue;
                if (value !== last || now - lastAt > 3000) { last = value; lastAt = now; submitCode(value); }
              }
            }).catch(function () {}).then(function () { window.requestAnimationFrame(tick); });
          }
          tick();
        }).catch(function () { show("refused", root.dataset.msgNocamera); });
      });
    }
    refreshQueue();
    if (navigator.onLine) { sync(); }
  });
})();
