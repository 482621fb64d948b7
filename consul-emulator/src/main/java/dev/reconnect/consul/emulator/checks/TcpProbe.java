package dev.reconnect.consul.emulator.checks;

import dev.reconnect.consul.emulator.catalog.CheckStatus;
import dev.reconnect.consul.emulator.registration.CheckDefinition;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/** A TCP check: can a connection be opened? Runs on the probe pool, never on the scheduler. */
final class TcpProbe {

    private final Executor executor;

    TcpProbe(Executor executor) {
        this.executor = executor;
    }

    CompletableFuture<ProbeResult> probe(CheckDefinition check) {
        return CompletableFuture.supplyAsync(() -> connect(check.tcp(), (int) check.effectiveTimeout().toMillis()),
                executor);
    }

    private static ProbeResult connect(String target, int timeoutMillis) {
        int colon = target.lastIndexOf(':');
        if (colon <= 0) {
            return new ProbeResult(CheckStatus.CRITICAL, "dial tcp " + target + ": missing port in address");
        }
        String host = target.substring(0, colon).replace("[", "").replace("]", "");
        int port;
        try {
            port = Integer.parseInt(target.substring(colon + 1));
        } catch (NumberFormatException e) {
            return new ProbeResult(CheckStatus.CRITICAL, "dial tcp " + target + ": invalid port");
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), timeoutMillis);
            return new ProbeResult(CheckStatus.PASSING, "TCP connect " + target + ": Success");
        } catch (ConnectException e) {
            return new ProbeResult(CheckStatus.CRITICAL, "dial tcp " + target + ": connect: connection refused");
        } catch (SocketTimeoutException e) {
            return new ProbeResult(CheckStatus.CRITICAL, "dial tcp " + target + ": i/o timeout");
        } catch (IOException | IllegalArgumentException e) {
            return new ProbeResult(CheckStatus.CRITICAL, "dial tcp " + target + ": " + e.getMessage());
        }
    }
}
