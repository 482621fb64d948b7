package dev.reconnect.client.session;

import dev.reconnect.client.ClientContext;
import dev.reconnect.client.ClientProblem;
import dev.reconnect.client.ReceivedMessage;
import dev.reconnect.client.ReconnectingClient;
import dev.reconnect.client.heartbeat.HeartbeatMonitor;
import dev.reconnect.client.publish.PendingPublish;
import dev.reconnect.client.scheduling.HumanDuration;
import dev.reconnect.client.scheduling.Timer;
import dev.reconnect.client.stream.SequenceTracker;
import dev.reconnect.client.transport.ConnectFailure;
import dev.reconnect.client.transport.TransportListener;
import dev.reconnect.client.transport.WebSocketConnection;
import dev.reconnect.protocol.CloseCodes;
import dev.reconnect.protocol.Frame;
import dev.reconnect.protocol.FrameCodec;
import dev.reconnect.protocol.ProtocolException;
import java.time.Duration;
import java.time.Instant;

/**
 * One socket, from connect to its end: hello and welcome, incoming frames, acks, resends and the
 * heartbeat. Everything that belongs to this socket lives here, so that once the owner
 * {@link #end()}s it, whatever the old socket or its timers still report is dropped here and never
 * reaches the owner. Used only on the client's event loop (transport events are posted to it).
 */
public final class Session implements TransportListener {
    private static final System.Logger LOG = System.getLogger(ReconnectingClient.class.getName());

    /** What a session reports to the client that opened it; never after {@link #end()}. */
    public interface Owner {
        void welcomed(Frame.Welcome welcome);

        /** Open for the minimum uptime. */
        void stable();

        /** Not welcomed: a failed upgrade. */
        void connectFailed(ConnectFailure failure);

        /** The instance answered but closed before the welcome (e.g. full): it is fine, the attempt is not. */
        void turnedAway(String description);

        /**
         * The welcomed connection broke, went silent or was closed after {@code uptime}; {@code reason}
         * says how, in words. {@link #stable()} came first if it lasted the minimum uptime.
         */
        void lost(String reason, Duration uptime);

        /** The server closed with a code that means "do not come back". */
        void closedForGood(String description);
    }

    private final ClientContext ctx;
    private final Owner owner;
    private final HeartbeatMonitor heartbeat;
    private final Timer connectTimeout;
    private final Timer uptime;
    private final PublishReplies replies;
    private WebSocketConnection connection;
    private Instant openedAt;
    private boolean ended;

    public Session(ClientContext ctx, Owner owner) {
        this.ctx = ctx;
        this.owner = owner;
        this.heartbeat = new HeartbeatMonitor(ctx.loop(), ctx.clock(), this::silent);
        this.connectTimeout = new Timer(ctx.loop());
        this.uptime = new Timer(ctx.loop());
        this.replies = new PublishReplies(ctx, this);
    }

    /** Starts connecting; a transport that refuses at once is a failed upgrade too. */
    public void open() {
        ctx.metrics().connectAttempt();
        Duration timeout = ctx.config().connection().connectTimeout();
        try {
            connection = ctx.sockets().connect(ctx.config().endpoints().webSocket(), timeout, this);
        } catch (RuntimeException e) {
            owner.connectFailed(ConnectFailure.of(e));
            return;
        }
        connectTimeout.schedule(timeout, () -> owner.connectFailed(new ConnectFailure(ConnectFailure.Kind.TIMEOUT,
                "no welcome within " + HumanDuration.of(timeout))));
    }

    public boolean isWelcomed() {
        return openedAt != null;
    }

    public void publish(PendingPublish publish) {
        send(new Frame.Publish(publish.key(), publish.body()));
    }

    /** Stops every timer and drops whatever the socket still reports; the socket itself is left as it is. */
    public void end() {
        ended = true;
        connectTimeout.cancel();
        uptime.cancel();
        replies.forget();
        heartbeat.stop();
    }

    public void close(int code, String reason) {
        end();
        if (connection != null) {
            connection.close(code, reason);
        }
    }

    /** Drops the socket without a closing handshake (a link found dead or a failed upgrade). */
    public void abort() {
        end();
        if (connection != null) {
            connection.abort();
        }
    }

    // ---- transport events, from any thread ----

    @Override
    public void onOpen() {
        onLoop(() -> {
            if (!isWelcomed() && connection != null) {
                send(new Frame.Hello(ctx.sequence().lastSeq()));
            }
        });
    }

    @Override
    public void onText(String text) {
        onLoop(() -> received(text));
    }

    @Override
    public void onActivity() {
        onLoop(heartbeat::frameReceived);
    }

    @Override
    public void onClosed(int code, String reason) {
        onLoop(() -> {
            connection = null; // nothing left to abort
            String description = CloseDescription.of(code, reason);
            if (CloseCodes.isSessionClose(code)) {
                LOG.log(System.Logger.Level.INFO, () -> ctx.name() + ": " + description + "; reconnecting after readiness");
            }
            if (CloseCodes.isTerminal(code)) {
                owner.closedForGood(description);
            } else if (isWelcomed()) {
                lost(description);
            } else if (CloseCodes.isSessionClose(code)) {
                owner.turnedAway(description);
            } else {
                owner.connectFailed(new ConnectFailure(ConnectFailure.Kind.CLOSED_BEFORE_WELCOME,
                        description + " before welcome"));
            }
        });
    }

    @Override
    public void onFailure(Throwable error) {
        onLoop(() -> {
            if (isWelcomed()) {
                lost("connection error (" + CloseCodes.ABNORMAL + "): " + ConnectFailure.describe(error));
            } else {
                owner.connectFailed(ConnectFailure.of(error));
            }
        });
    }

    private void onLoop(Runnable event) {
        ctx.loop().execute(() -> {
            if (!ended) {
                event.run();
            }
        });
    }

    // ---- frames ----

    private void received(String text) {
        heartbeat.frameReceived();
        Frame frame;
        try {
            frame = FrameCodec.decode(text);
        } catch (ProtocolException e) {
            malformed("malformed frame ignored (" + e.getMessage() + "): " + abbreviate(text));
            return;
        } catch (RuntimeException e) {
            malformed("undecodable frame ignored (" + e + "): " + abbreviate(text));
            return;
        }
        if (frame instanceof Frame.Welcome welcome) {
            welcome(welcome);
        } else if (frame instanceof Frame.Message message) {
            deliver(message);
        } else if (frame instanceof Frame.Ack ack) {
            replies.ack(ack);
        } else if (frame instanceof Frame.Error error) {
            replies.error(error);
        } else if (frame instanceof Frame.Gap gap) {
            long lost = ctx.sequence().onGap(gap.from(), gap.to());
            ctx.metrics().countLost(lost);
            ctx.problem(ClientProblem.Kind.GAP, "server reports messages " + gap.from() + ".." + gap.to()
                    + " cannot be delivered (" + lost + " newly lost)", gap.from(), gap.to());
        } else if (!(frame instanceof Frame.Ping)) { // a ping only proves liveness, already recorded
            unexpected(frame.type() + " frame from the server");
        }
    }

    private void welcome(Frame.Welcome welcome) {
        if (isWelcomed()) {
            unexpected("welcome while OPEN");
            return;
        }
        openedAt = ctx.clock().instant();
        connectTimeout.cancel();
        heartbeat.start(ctx.config().connection().heartbeatTimeout(welcome.heartbeatMillis()));
        SequenceTracker sequence = ctx.sequence();
        if (welcome.resumeFrom() < sequence.lastSeq()) {
            // Only a server that confirmed its log's head clamps a hello; what follows are new messages.
            long delivered = sequence.lastSeq();
            sequence.rewindTo(welcome.resumeFrom());
            ctx.problem(ClientProblem.Kind.LOG_REWOUND, "the server's log is behind what was delivered (head "
                    + welcome.head() + ", delivered up to " + delivered + "): resuming after " + welcome.resumeFrom()
                    + "; messages from there on are new", welcome.resumeFrom(), delivered);
        }
        owner.welcomed(welcome);
        replies.forget(); // everything unacked goes out below anyway
        uptime.schedule(ctx.config().connection().minimumUptime(), owner::stable);
        ctx.outbox().unacked().forEach(this::publish);
    }

    private void deliver(Frame.Message message) {
        SequenceTracker.Verdict verdict = ctx.sequence().onMessage(message.seq());
        if (verdict instanceof SequenceTracker.Duplicate) {
            ctx.metrics().countDuplicate();
            LOG.log(System.Logger.Level.DEBUG, () -> ctx.name() + ": duplicate #" + message.seq() + " dropped");
            return;
        }
        SequenceTracker.Deliver deliver = (SequenceTracker.Deliver) verdict;
        if (deliver.lost() > 0) {
            ctx.metrics().countLost(deliver.lost());
            ctx.problem(ClientProblem.Kind.LOST, deliver.lost() + " message(s) skipped: #" + deliver.lostFrom()
                    + ".." + deliver.lostTo() + " never arrived", deliver.lostFrom(), deliver.lostTo());
        }
        ctx.metrics().countReceived();
        ctx.listener().onMessage(new ReceivedMessage(ctx.name(), message.seq(), message.body(), message.publishedAt()));
    }

    private void silent(Duration silence) {
        ctx.metrics().heartbeatTimeout();
        String reason = "heartbeat timeout: nothing from the server for " + HumanDuration.of(silence);
        ctx.problem(ClientProblem.Kind.HEARTBEAT_TIMEOUT, reason, 0, 0);
        lost(reason);
    }

    private void lost(String reason) {
        Duration uptime = Duration.between(openedAt, ctx.clock().instant());
        if (uptime.compareTo(ctx.config().connection().minimumUptime()) >= 0) {
            owner.stable(); // the uptime timer may not have had its turn yet
        }
        owner.lost(reason, uptime);
    }

    private void send(Frame frame) {
        connection.send(FrameCodec.encode(frame));
    }

    private void malformed(String message) {
        ctx.metrics().malformedFrame();
        LOG.log(System.Logger.Level.WARNING, ctx.name() + ": " + message);
        ctx.problem(ClientProblem.Kind.MALFORMED_FRAME, message, 0, 0);
    }

    private void unexpected(String what) {
        ctx.metrics().unexpectedFrame();
        LOG.log(System.Logger.Level.WARNING, ctx.name() + ": unexpected " + what + " ignored");
        ctx.problem(ClientProblem.Kind.UNEXPECTED_FRAME, "unexpected " + what + " ignored", 0, 0);
    }

    private static String abbreviate(String text) {
        String flat = text.replaceAll("\\s+", " ");
        return flat.length() <= 80 ? flat : flat.substring(0, 80) + "…";
    }
}
