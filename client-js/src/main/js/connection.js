// connection.js: one socket, from connect to its end (the Java client's session/Session): hello and
// welcome, the server's frames, acks and resends (publish-replies.js) and the heartbeat (heartbeat.js).
// Everything that belongs to this socket lives here, so once the owner end()s it, whatever the old
// socket or its timers still report is dropped here and never reaches the owner.

import { createHeartbeat } from './heartbeat.js';
import { decodeFrame, describeClose, isSessionClose, isTerminalClose } from './protocol.js';
import { createPublishReplies } from './publish-replies.js';
import { abbreviate, seconds } from './text.js';
import { Timer } from './timer.js';

/**
 * What a connection reports to its owner (the engine), never after end():
 *   welcomed(welcome, at)        the server's welcome: OPEN
 *   stable()                     open for the minimum uptime
 *   connectFailed(reason)        not welcomed: a failed upgrade
 *   turnedAway(description)      closed 4000-4099 before the welcome: the instance is fine, this attempt is not
 *   lost(reason, uptimeMs)       the welcomed connection broke, went silent or was closed (stable() came
 *                                first if it lasted the minimum uptime)
 *   closedForGood(description)   closed with a code that means "do not come back" (1008, 4400-4499)
 */
export function createConnection({ env, config, url, session, reporter, owner }) {
  const now = () => env.clock.now();
  const { stats } = reporter;
  const connectTimer = new Timer(env.timers, now);
  const uptimeTimer = new Timer(env.timers, now);
  const heartbeat = createHeartbeat(env.timers, now, silent);
  const replies = createPublishReplies({ env, config, session, reporter,
    resend: (publishes) => publishes.forEach(publish) });
  let socket = null;
  let openedAt = null;  // when welcomed
  let ended = false;

  /** Runs event only while this connection has not ended. */
  const live = (event) => (...args) => {
    if (!ended) event(...args);
  };

  function open() {
    stats.connectAttempts++;
    let ws;
    try {
      ws = new env.WebSocket(url);
    } catch (e) {
      owner.connectFailed(`cannot open ${url}: ${e.message || e}`);
      return;
    }
    socket = ws;
    ws.onopen = live(() => {
      if (openedAt === null && socket) send({ type: 'hello', lastSeq: session.lastSeq });
    });
    ws.onmessage = live((event) => received(event.data));
    ws.onclose = live((event) => closed(event.code, event.reason));
    ws.onerror = () => { /* always followed by a close event, which decides */ };
    connectTimer.schedule(config.connectTimeoutMs,
        () => owner.connectFailed(`no welcome within ${seconds(config.connectTimeoutMs)}`));
  }

  function received(data) {
    heartbeat.frameReceived();
    let frame;
    try {
      frame = decodeFrame(data);
    } catch (e) {
      stats.malformedFrames++;
      reporter.problem('MALFORMED_FRAME', `malformed frame ignored (${e.message}): ${abbreviate(String(data), 80)}`);
      reporter.changed();
      return;
    }
    switch (frame.type) {
      case 'welcome': welcome(frame); break;
      case 'message': deliver(frame); break;
      case 'ack': replies.ack(frame); break;
      case 'error': replies.error(frame); break;
      case 'gap': gap(frame); break;
      case 'ping': break;  // liveness only; already recorded
      default: unexpected(`${frame.type} frame from the server`);
    }
  }

  function welcome(frame) {
    if (openedAt !== null) {
      unexpected('welcome while OPEN');
      return;
    }
    openedAt = now();
    connectTimer.cancel();
    heartbeat.start(frame.heartbeatMillis > 0 ? frame.heartbeatMillis * config.heartbeatMisses
        : config.fallbackHeartbeatTimeoutMs);
    if (frame.resumeFrom < session.lastSeq) {
      // Only a server that confirmed its log's head went backwards clamps a hello (close 4003, a
      // restored log): the seqs after resumeFrom are new messages, not duplicates.
      const delivered = session.lastSeq;
      session.rewind(frame.resumeFrom);
      reporter.problem('LOG_REWOUND', `the server's log is behind what was delivered (head ${frame.head}, delivered `
          + `up to ${delivered}): resuming after ${frame.resumeFrom}; messages from there on are new`);
    }
    owner.welcomed(frame, openedAt);
    if (ended) return;  // the page closed the client from its onStateChange/onReconnect callback
    replies.forget();  // everything pending goes out below anyway
    uptimeTimer.schedule(config.minimumUptimeMs, owner.stable);
    session.unacked().forEach(publish);
    reporter.changed();
  }

  function deliver(message) {
    const last = session.lastSeq;
    const lost = session.deliver(message.seq);
    if (lost === null) {
      stats.duplicates++;
    } else {
      if (lost > 0) {
        stats.lost += lost;
        reporter.problem('LOST', `${lost} message(s) skipped: #${last + 1}..${message.seq - 1} never arrived`);
      }
      stats.received++;
      reporter.emit('onMessage', message);
    }
    reporter.changed();
  }

  function gap(frame) {
    const lost = session.gap(frame.from, frame.to);
    if (lost === 0) return;
    stats.lost += lost;
    reporter.problem('GAP', `server reports messages ${frame.from}..${frame.to} cannot be delivered (${lost} newly lost)`);
    reporter.changed();
  }

  function closed(code, reason) {
    socket = null;  // nothing left to close
    const description = describeClose(code, reason);
    if (isTerminalClose(code)) {
      owner.closedForGood(description);
    } else if (openedAt !== null) {
      lost(description);
    } else if (isSessionClose(code)) {
      owner.turnedAway(description);
    } else {
      owner.connectFailed(`${description} before welcome`);
    }
  }

  function silent(silentMs) {
    stats.heartbeatTimeouts++;
    const reason = `heartbeat timeout: nothing from the server for ${seconds(silentMs)}`;
    reporter.problem('HEARTBEAT_TIMEOUT', reason);
    lost(reason);
  }

  function lost(reason) {
    const uptime = now() - openedAt;
    if (uptime >= config.minimumUptimeMs) owner.stable();  // the uptime timer may not have had its turn yet
    owner.lost(reason, uptime);
  }

  function unexpected(what) {
    stats.unexpectedFrames++;
    reporter.problem('UNEXPECTED_FRAME', `unexpected ${what} ignored`);
    reporter.changed();
  }

  function send(frame) {
    try {
      socket.send(JSON.stringify(frame));
    } catch (e) {
      // A socket that is closing drops the frame; publishes stay pending and are resent after the welcome.
      reporter.problem('SEND_FAILED', `could not send ${frame.type}: ${e.message || e}`);
    }
  }

  /** Sends a publish now if welcomed; else the welcome sends it. */
  function publish(p) {
    if (openedAt !== null && socket && !ended) send({ type: 'publish', key: p.key, body: p.body });
  }

  /** Stops every timer and drops whatever the socket still reports; the socket itself is left as it is. */
  function end() {
    ended = true;
    connectTimer.cancel();
    uptimeTimer.cancel();
    replies.forget();
    heartbeat.stop();
  }

  return {
    open,
    publish,
    end,
    /** end(), and closes the socket (code 1000 and a reason the server logs). */
    close(code, reason) {
      end();
      const ws = socket;
      socket = null;
      try {
        if (ws) ws.close(code, reason);
      } catch (e) { /* already closed */ }
    },
    /** The page is visible again: a throttled timer's deadline (the heartbeat, the connect timeout) is acted on now. */
    wake: live(() => {
      if (openedAt !== null) heartbeat.checkNow();
      else connectTimer.fireIfDue();
    }),
  };
}
