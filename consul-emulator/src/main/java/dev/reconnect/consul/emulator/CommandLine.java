package dev.reconnect.consul.emulator;

import dev.reconnect.consul.emulator.time.GoDuration;
import java.time.Duration;

/** The flags of {@code java -jar consul-emulator.jar}; durations are written the way Consul writes them. */
final class CommandLine {

    /** Either a request for help or a configuration to run. */
    record Parsed(boolean help, EmulatorConfig config) {
    }

    private CommandLine() {
    }

    static String usage() {
        return String.join(System.lineSeparator(),
                "Usage: java -jar consul-emulator.jar [options]",
                "",
                "Runs a stand-in for one Consul dev agent's HTTP API (services, checks, health, catalog,",
                "blocking queries).",
                "",
                "Options:",
                "  --port <n>                    port to listen on (default 8500; 0 picks a free port)",
                "  --bind <address>              address to listen on (default 127.0.0.1)",
                "  --reaper-interval <duration>  how often services critical for too long are removed (default 30s)",
                "  --min-deregister-after <duration>",
                "                                floor for DeregisterCriticalServiceAfter (default 1m, as in Consul)",
                "  --acl-token <secret>          enforce ACLs (default policy deny) with this as the only,",
                "                                management, token; every request must carry it except",
                "                                /v1/status/leader and /v1/status/peers (default: ACLs off)",
                "  --help                        show this help",
                "",
                "Durations are written as Consul writes them: 500ms, 10s, 2m, 1h, 1m30s.",
                "");
    }

    static Parsed parse(String... args) throws UsageException {
        EmulatorConfig.Builder builder = EmulatorConfig.builder();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h") || arg.equals("-help")) {
                return new Parsed(true, null);
            }
            if (!arg.startsWith("-")) {
                throw new UsageException("unexpected argument \"" + arg + "\" (see --help)");
            }
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            switch (name) {
                case "--port":
                    value = value != null ? value : next(args, ++i, name);
                    builder.port(port(value));
                    break;
                case "--bind":
                    value = value != null ? value : next(args, ++i, name);
                    if (value.isBlank()) {
                        throw new UsageException("--bind needs an address, e.g. 127.0.0.1 or 0.0.0.0");
                    }
                    builder.bindAddress(value);
                    break;
                case "--reaper-interval":
                    value = value != null ? value : next(args, ++i, name);
                    Duration interval = duration(name, value);
                    if (interval.isZero() || interval.isNegative()) {
                        throw new UsageException(name + " must be greater than zero, got \"" + value + "\"");
                    }
                    builder.reaperInterval(interval);
                    break;
                case "--min-deregister-after":
                    value = value != null ? value : next(args, ++i, name);
                    Duration floor = duration(name, value);
                    if (floor.isNegative()) {
                        throw new UsageException(name + " must not be negative, got \"" + value + "\"");
                    }
                    builder.minDeregisterAfter(floor);
                    break;
                case "--acl-token":
                    value = value != null ? value : next(args, ++i, name);
                    if (value.isEmpty() || value.contains(" ") || !value.equals(value.strip())) {
                        throw new UsageException("--acl-token needs a token without spaces, e.g. a UUID");
                    }
                    builder.aclToken(value);
                    break;
                default:
                    throw new UsageException("unknown option \"" + name + "\" (see --help)");
            }
        }
        return new Parsed(false, builder.build());
    }

    private static String next(String[] args, int i, String name) throws UsageException {
        if (i >= args.length || args[i].startsWith("--")) {
            throw new UsageException(name + " needs a value (see --help)");
        }
        return args[i];
    }

    private static int port(String value) throws UsageException {
        try {
            int port = Integer.parseInt(value);
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new UsageException("--port must be a number from 0 to 65535, got \"" + value + "\"");
    }

    private static Duration duration(String name, String value) throws UsageException {
        return GoDuration.parse(value).orElseThrow(() -> new UsageException(
                name + " must be a duration such as 500ms, 10s, 2m or 1h, got \"" + value + "\""));
    }
}
