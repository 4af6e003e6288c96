/* The agents' live chat inbox (templates/chat/inbox.html) over /ws/chat/inbox/.
 * Texts go on the page with textContent only: shopper messages are untrusted. */
(function () {
  "use strict";
  var root = document.getElementById("chat-inbox");
  if (!root) return;
  var me = root.dataset.me;
  var conversations = {};
  var current = null;
  var socket = null;
  var attempts = 0;
  var typingSent = 0;
  var $ = function (id) { return document.getElementById(id); };

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function send(payload) {
    if (socket && socket.readyState === 1) socket.send(JSON.stringify(payload));
  }

  function renderList() {
    var list = $("inbox-items");
    list.textContent = "";
    var items = Object.values(conversations).filter(function (c) { return c.status === "waiting" || c.status === "agent"; });
    items.sort(function (a, b) { return (a.waiting_since || "").localeCompare(b.waiting_since || ""); });
    $("inbox-empty").hidden = items.length > 0;
    items.forEach(function (c) {
      var li = el("li", "chat-inbox__item" + (current === c.id ? " is-active" : ""));
      li.dataset.conversation = c.id;
      var b = el("button", "chat-inbox__open");
      b.type = "button";
      b.appendChild(el("strong", "", c.customer));
      b.appendChild(el("span", "chat-inbox__badge chat-inbox__badge--" + c.status, c.status === "agent" ? "with " + c.agent : "waiting"));
      b.appendChild(el("span", "muted", " " + c.merchant + " · " + (c.intent || "unknown").replace(/_/g, " ")));
      b.appendChild(el("div", "chat-inbox__preview", c.last_message));
      b.addEventListener("click", function () { open(c.id); });
      li.appendChild(b);
      list.appendChild(li);
    });
  }

  function open(id) {
    current = id;
    $("detail-error").textContent = "";
    send({ type: "open", conversation: id });
    renderList();
  }

  function addMessage(m) {
    var box = $("detail-transcript");
    if (box.querySelector('[data-id="' + m.id + '"]')) return;
    var row = el("div", "ssc__msg ssc__msg--" + m.sender);
    row.dataset.id = m.id;
    var who = m.sender === "agent" ? (m.agent || "Agent") : m.sender === "shopper" ? "Shopper" : "Bot";
    row.appendChild(el("span", "ssc__who", who + (m.intent && m.intent !== "unknown" ? " · " + m.intent : "")));
    row.appendChild(el("span", "ssc__text", m.text));
    box.appendChild(row);
    box.scrollTop = box.scrollHeight;
  }

  function showDetail(data) {
    var c = data.conversation;
    conversations[c.id] = c;
    $("inbox-detail").hidden = false;
    $("detail-title").textContent = c.customer + " · " + c.merchant;
    $("detail-transcript").textContent = "";
    data.messages.forEach(addMessage);
    $("context-customer").textContent = data.context.customer + (data.context.email ? " <" + data.context.email + ">" : "") +
      (data.context.segment ? " · segment: " + data.context.segment : "");
    $("context-intent").textContent = (c.intent || "unknown") + (c.handoff_reason ? " (handed over: " + c.handoff_reason + ")" : "");
    var orders = $("context-orders");
    orders.textContent = "";
    (data.context.orders || []).forEach(function (o) {
      orders.appendChild(el("li", "", o.number + " · " + o.status + " · " + o.total + " " + o.currency + " · " + o.placed_at));
    });
    if (!data.context.orders || !data.context.orders.length) orders.appendChild(el("li", "muted", "none"));
    var s = data.suggestion;
    $("detail-suggestion").hidden = !s;
    if (s) { $("suggestion-question").textContent = s.question; $("suggestion-answer").textContent = s.answer; }
    updateButtons();
    renderList();
  }

  function updateButtons() {
    var c = conversations[current];
    var mine = c && c.status === "agent" && c.agent === me;
    $("btn-claim").hidden = !(c && c.status === "waiting");
    $("btn-reply").disabled = !mine;
    $("btn-close").disabled = !mine;
    $("btn-transfer").disabled = !mine;
  }

  function handle(data) {
    if (data.type === "inbox") {
      conversations = {};
      data.conversations.forEach(function (c) { conversations[c.id] = c; });
      renderList();
      if (current) open(current);
    } else if (data.type === "conversation") {
      conversations[data.conversation.id] = data.conversation;
      renderList();
      if (current === data.conversation.id) updateButtons();
    } else if (data.type === "detail") {
      if (data.conversation.id === current) showDetail(data);
    } else if (data.type === "message") {
      var c = conversations[data.message.conversation];
      if (c && data.message.sender === "shopper") { c.last_message = data.message.text; renderList(); }
      if (data.message.conversation === current) { addMessage(data.message); $("detail-typing").hidden = true; }
    } else if (data.type === "typing") {
      if (data.conversation === current && data.sender === "shopper") {
        $("detail-typing").hidden = false;
        clearTimeout(handle.typingTimer);
        handle.typingTimer = setTimeout(function () { $("detail-typing").hidden = true; }, 4000);
      }
    } else if (data.type === "claimed") {
      $("detail-error").textContent = "";
    } else if (data.type === "error") {
      $("detail-error").textContent = data.detail;
    }
  }

  function connect() {
    var proto = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(proto + location.host + root.dataset.ws);
    socket.onopen = function () { attempts = 0; $("inbox-status").textContent = "· live"; };
    socket.onmessage = function (event) { handle(JSON.parse(event.data)); };
    socket.onclose = function (event) {
      $("inbox-status").textContent = "· reconnecting…";
      if (event.code === 4401 || event.code === 4403) { $("inbox-status").textContent = "· not allowed"; return; }
      attempts += 1;
      setTimeout(connect, Math.min(15000, 500 * Math.pow(2, attempts)));
    };
  }

  $("btn-claim").addEventListener("click", function () { send({ type: "claim", conversation: current }); });
  $("btn-transfer").addEventListener("click", function () {
    send({ type: "transfer", conversation: current, to: $("transfer-to").value.trim() });
  });
  $("reply-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var text = $("reply-text").value.trim();
    if (!text) return;
    send({ type: "reply", conversation: current, text: text });
    $("reply-text").value = "";
  });
  $("reply-text").addEventListener("input", function () {
    var now = Date.now();
    if (current && now - typingSent > 2000) { typingSent = now; send({ type: "typing", conversation: current }); }
  });
  $("canned").addEventListener("change", function (event) {
    if (event.target.value) $("reply-text").value = event.target.value;
    event.target.value = "";
  });
  $("btn-use-suggestion").addEventListener("click", function () {
    $("reply-text").value = $("suggestion-answer").textContent;
    $("reply-text").focus();
  });
  $("close-form").addEventListener("submit", function (event) {
    event.preventDefault();
    send({ type: "close", conversation: current, resolution: $("resolution").value.trim() });
    $("resolution").value = "";
  });
  connect();
})();
