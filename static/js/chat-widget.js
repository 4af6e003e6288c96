/* ShopSignal chat widget: one script tag on a storefront, no framework, no CDN.
 *
 *   <script src="/static/js/chat-widget.js" data-merchant="mugs-and-more" data-token="…" defer></script>
 *
 * Opens a websocket to /ws/chat/, reconnects with backoff and resends unacknowledged messages
 * (the server stores each client_id once, so nothing is lost or doubled), and falls back to
 * POST /api/v1/chat/messages plus polling when websockets are unavailable. Every text is put
 * on the page with textContent, never as HTML.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) return;
  // ShopSignal's address is where this script came from, so a storefront on another domain (listed
  // in the merchant's allowed origins) talks to ShopSignal, not to its own host.
  var server = new URL(script.src, location.href);
  var cfg = {
    merchant: script.dataset.merchant || "",
    token: script.dataset.token || "",
    api: script.dataset.api || server.origin + "/api/v1/chat/messages",
    ws: script.dataset.ws || "/ws/chat/",
    title: script.dataset.title || "Chat with us",
  };
  var storeKey = "shopsignal-chat-visitor:" + cfg.merchant;
  var state = { lastId: 0, pending: {}, socket: null, attempts: 0, opened: false, fallback: false,
                pollTimer: null, typingSent: 0, status: "bot", conversation: null };

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  var root = el("div", "ssc");
  var toggle = el("button", "ssc__toggle", cfg.title);
  toggle.type = "button";
  var panel = el("section", "ssc__panel");
  panel.hidden = true;
  panel.setAttribute("aria-label", cfg.title);
  var header = el("header", "ssc__header", cfg.title);
  var log = el("div", "ssc__log");
  log.setAttribute("role", "log");
  log.setAttribute("aria-live", "polite");
  var typing = el("div", "ssc__typing", "");
  typing.hidden = true;
  var quick = el("div", "ssc__quick");
  var rating = el("div", "ssc__rating");
  rating.hidden = true;
  var form = el("form", "ssc__form");
  var input = el("input", "ssc__input");
  input.type = "text";
  input.name = "message";
  input.placeholder = "Type your message…";
  input.setAttribute("aria-label", "Message");
  input.autocomplete = "off";
  var send = el("button", "ssc__send", "Send");
  send.type = "submit";
  var human = el("button", "ssc__human", "Talk to a human");
  human.type = "button";
  form.appendChild(input);
  form.appendChild(send);
  panel.appendChild(header);
  panel.appendChild(log);
  panel.appendChild(typing);
  panel.appendChild(quick);
  panel.appendChild(rating);
  panel.appendChild(form);
  panel.appendChild(human);
  root.appendChild(panel);
  root.appendChild(toggle);

  function scroll() { log.scrollTop = log.scrollHeight; }

  function line(cls, text) {
    log.appendChild(el("div", "ssc__note " + (cls || ""), text));
    scroll();
  }

  function showQuickReplies(options) {
    quick.textContent = "";
    (options || []).forEach(function (label) {
      var b = el("button", "ssc__chip", label);
      b.type = "button";
      b.addEventListener("click", function () { submit(label); });
      quick.appendChild(b);
    });
  }

  function render(message) {
    if (!message || message.id <= state.lastId) return;
    state.lastId = message.id;
    if (message.client_id) delete state.pending[message.client_id];
    var bubble = el("div", "ssc__msg ssc__msg--" + message.sender);
    bubble.dataset.id = message.id;
    if (message.sender === "agent") bubble.appendChild(el("span", "ssc__who", message.agent || "Agent"));
    bubble.appendChild(el("span", "ssc__text", message.text));
    log.appendChild(bubble);
    if (message.sender !== "shopper") {
      typing.hidden = true;
      showQuickReplies(message.quick_replies);
    }
    scroll();
  }

  function showStatus(status, agent) {
    state.status = status;
    if (status === "waiting") line("ssc__note--status", "Connecting you to a member of our team…");
    if (status === "agent") line("ssc__note--status", (agent || "An agent") + " joined the chat.");
    if (status === "closed") { line("ssc__note--status", "The chat was closed. How did we do?"); showRating(); }
  }

  function showRating() {
    rating.textContent = "";
    rating.hidden = false;
    [1, 2, 3, 4, 5].forEach(function (n) {
      var b = el("button", "ssc__star", "★");
      b.type = "button";
      b.title = n + " of 5";
      b.setAttribute("aria-label", "Rate " + n + " of 5");
      b.addEventListener("click", function () { transmit({ type: "rate", rating: n }); });
      rating.appendChild(b);
    });
  }

  function newClientId() {
    return Date.now().toString(36) + Math.random().toString(36).slice(2, 10);
  }

  function transmit(payload) {
    if (state.socket && state.socket.readyState === 1) {
      state.socket.send(JSON.stringify(payload));
      return true;
    }
    return false;
  }

  function submit(text) {
    text = (text || "").trim();
    if (!text) return;
    var clientId = newClientId();
    state.pending[clientId] = text;
    showQuickReplies([]);
    if (state.fallback) { post(clientId, text); return; }
    transmit({ type: "message", text: text, client_id: clientId });  // else flushed on reconnect
  }

  function flush() {
    Object.keys(state.pending).forEach(function (clientId) {
      if (state.fallback) post(clientId, state.pending[clientId]);
      else transmit({ type: "message", text: state.pending[clientId], client_id: clientId });
    });
  }

  function handle(data) {
    if (data.type === "hello") {
      if (data.visitor) localStorage.setItem(storeKey, data.visitor);
      state.conversation = data.conversation;
      (data.messages || []).forEach(render);
      if (data.status !== "bot" && data.status !== state.status) showStatus(data.status);
      if (data.status === "closed" && !data.rated) showRating();
      flush();
    } else if (data.type === "history") {
      (data.messages || []).forEach(render);
    } else if (data.type === "message") {
      render(data.message);
    } else if (data.type === "typing") {
      typing.textContent = data.sender === "agent" ? "Agent is typing…" : "Assistant is typing…";
      typing.hidden = false;
      clearTimeout(state.typingTimer);
      state.typingTimer = setTimeout(function () { typing.hidden = true; }, 4000);
    } else if (data.type === "status") {
      showStatus(data.status, data.agent);
    } else if (data.type === "conversation") {
      state.conversation = data.conversation;
    } else if (data.type === "rated") {
      rating.hidden = true;
      line("ssc__note--status", "Thanks for your rating!");
    } else if (data.type === "error") {
      typing.hidden = true;
      if (data.client_id) delete state.pending[data.client_id];
      line("ssc__note--error", data.detail);
    }
  }

  function socketUrl() {
    var proto = server.protocol === "https:" ? "wss://" : "ws://";
    var params = new URLSearchParams({ merchant: cfg.merchant, after: String(state.lastId) });
    if (cfg.token) params.set("token", cfg.token);
    var visitor = localStorage.getItem(storeKey);
    if (visitor) params.set("visitor", visitor);
    return proto + server.host + cfg.ws + "?" + params.toString();
  }

  function connect() {
    if (!("WebSocket" in window)) { startFallback(); return; }
    var socket;
    try { socket = new WebSocket(socketUrl()); } catch (e) { startFallback(); return; }
    state.socket = socket;
    socket.onopen = function () { state.attempts = 0; state.opened = true; root.classList.remove("ssc--offline"); };
    socket.onmessage = function (event) { handle(JSON.parse(event.data)); };
    socket.onclose = function (event) {
      state.socket = null;
      root.classList.add("ssc--offline");
      if (event.code === 4401 || event.code === 4403 || event.code === 4404) return;
      state.attempts += 1;
      if (!state.opened && state.attempts >= 3) { startFallback(); return; }
      setTimeout(connect, Math.min(15000, 500 * Math.pow(2, state.attempts)));
    };
  }

  function csrf() {
    var match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function identity() {
    var body = { merchant: cfg.merchant };
    if (cfg.token) body.token = cfg.token;
    var visitor = localStorage.getItem(storeKey);
    if (visitor) body.visitor = visitor;
    return body;
  }

  function absorb(data) {
    if (data.visitor) localStorage.setItem(storeKey, data.visitor);
    if (data.status && data.status !== state.status) showStatus(data.status);
    (data.messages || []).forEach(render);
  }

  function post(clientId, text) {
    var body = identity();
    body.text = text;
    body.client_id = clientId;
    // The merchant in the URL too: a cross-origin preflight carries no body to read it from.
    fetch(cfg.api + "?merchant=" + encodeURIComponent(cfg.merchant), { method: "POST", credentials: "same-origin",
                     headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
                     body: JSON.stringify(body) })
      .then(function (r) { return r.json().then(function (data) { return { ok: r.ok, data: data }; }); })
      .then(function (res) {
        if (res.ok) { absorb(res.data); return; }
        delete state.pending[clientId];
        var errors = res.data.errors || {};
        line("ssc__note--error", (errors.text && errors.text[0]) || res.data.detail || "Message refused.");
      })
      .catch(function () { /* stays pending: resent on the next poll */ });
  }

  function poll() {
    var params = new URLSearchParams(identity());
    params.set("after", String(state.lastId));
    fetch(cfg.api + "?" + params.toString(), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) absorb(data); })
      .catch(function () {});
  }

  function startFallback() {
    if (state.fallback) return;
    state.fallback = true;
    root.classList.add("ssc--fallback");
    poll();
    flush();
    state.pollTimer = setInterval(poll, 3000);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    submit(input.value);
    input.value = "";
  });
  input.addEventListener("input", function () {
    var now = Date.now();
    if (now - state.typingSent > 2000) { state.typingSent = now; transmit({ type: "typing" }); }
  });
  human.addEventListener("click", function () {
    if (!transmit({ type: "handoff" })) submit("Talk to a human");
  });
  toggle.addEventListener("click", function () {
    panel.hidden = !panel.hidden;
    if (!panel.hidden) input.focus();
  });

  function start() {
    document.body.appendChild(root);
    if (script.dataset.open === "true") panel.hidden = false;
    connect();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
  window.ShopSignalChat = { state: state, submit: submit };
})();
