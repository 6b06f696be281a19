// Drives the official Socket.IO browser client (window.io) against the reference server: connect
// with the given transports, join, wait for all_messages, POST a message to the joined user from this
// page (cross-origin), wait for its new_message. Every step is logged on the page for the screenshot.
function log(text) {
  const item = document.createElement("li");
  item.textContent = text;
  document.getElementById("log").append(item);
}

function waitFor(promise, milliseconds, what) {
  return Promise.race([
    promise,
    new Promise((_, reject) => setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), milliseconds)),
  ]);
}

window.runOfficial = async function runOfficial(serverURL, transports, upgrade, user, version) {
  document.getElementById("version").textContent = version;
  document.getElementById("mode").textContent = `transports ${JSON.stringify(transports)}, upgrade ${upgrade}, user ${user}`;
  const socket = io(serverURL, { transports, upgrade, reconnection: false, forceNew: true });
  const result = { upgraded: false, transports: [] };
  socket.io.on("open", () => {
    result.transports.push(socket.io.engine.transport.name);
    log(`engine open on ${socket.io.engine.transport.name}`);
    socket.io.engine.on("upgrade", (transport) => {
      result.upgraded = true;
      result.transports.push(transport.name);
      log(`engine upgraded to ${transport.name}`);
    });
  });
  const connected = new Promise((resolve, reject) => {
    socket.on("connect", resolve);
    socket.on("connect_error", reject);
  });
  await waitFor(connected, 8000, "connect");
  log(`connected, socket id ${socket.id}`);
  const history = new Promise((resolve) => socket.on("all_messages", resolve));
  const live = new Promise((resolve) => socket.on("new_message", resolve));
  socket.emit("join", user);
  log(`emitted join ${user}`);
  result.history = await waitFor(history, 8000, "all_messages");
  log(`all_messages ${JSON.stringify(result.history)}`);
  if (transports.length > 1 && upgrade && !result.upgraded) {
    await waitFor(new Promise((resolve) => socket.io.engine.on("upgrade", resolve)), 8000, "upgrade");
  }
  const response = await fetch(new URL("/messages", serverURL), {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ sender: "official-peer", receiver: user, content: `live to ${user}` }),
  });
  result.postStatus = response.status;
  result.posted = await response.json();
  log(`POST /messages ${response.status} ${JSON.stringify(result.posted)}`);
  result.live = await waitFor(live, 8000, "new_message");
  log(`new_message ${JSON.stringify(result.live)}`);
  result.transport = socket.io.engine.transport.name;
  result.id = socket.id;
  socket.disconnect();
  log(`disconnected; transport was ${result.transport}`);
  return result;
};
