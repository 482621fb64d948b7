package dev.reconnect.consul.emulator.registration;

import dev.reconnect.consul.emulator.catalog.CheckStatus;
import dev.reconnect.consul.emulator.catalog.RequestRejectedException;
import dev.reconnect.consul.emulator.catalog.Weights;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import dev.reconnect.consul.emulator.json.Json;

/**
 * Turns the bodies clients PUT to their agent (a service registration, a check registration, a TTL
 * check update) into values, refusing what Consul refuses with Consul's words, so a client sees the
 * same 400 from either.
 */
public final class RegistrationParser {

    /** Kinds of check Consul knows but the emulator does not run; refused rather than silently ignored. */
    private static final List<String> UNSUPPORTED_CHECK_FIELDS =
            List.of("Args", "ScriptArgs", "GRPC", "H2PING", "UDP", "AliasService", "AliasNode", "OSService",
                    "DockerContainerID");

    private static final Set<String> ANY_ADDRESSES = Set.of("0.0.0.0", "::", "[::]", "0:0:0:0:0:0:0:0");

    private final Json json;

    public RegistrationParser(Json json) {
        this.json = json;
    }

    public ServiceRegistration parse(byte[] body) {
        JsonFields root = new JsonFields("", readObject(body));

        String name = requiredName(root, "Missing service name");
        String id = root.string("ID");
        if (id == null || id.isEmpty()) {
            id = name;
        }
        String address = root.string("Address");
        if (address != null && ANY_ADDRESSES.contains(address)) {
            throw RequestRejectedException.badRequest("Invalid service address");
        }
        Integer port = root.integer("Port");
        List<String> tags = root.strings("Tags");
        Map<String, String> meta = root.stringMap("Meta");
        Boolean enableTagOverride = root.bool("EnableTagOverride");
        Weights weights = parseWeights(root.object("Weights"));

        List<CheckDefinition> checks = new ArrayList<>();
        JsonFields single = root.object("Check");
        if (single != null && !isEmptyCheck(single)) {
            checks.add(parseCheck(single));
        }
        for (JsonFields check : root.objects("Checks")) {
            checks.add(parseCheck(check));
        }
        return new ServiceRegistration(id, name, tags, address == null ? "" : address, port == null ? 0 : port,
                meta, enableTagOverride != null && enableTagOverride, weights, checks);
    }

    /**
     * Turns a {@code PUT /v1/agent/check/register} body into a check with its ID and owner, with the
     * same check rules as a service's checks. Consul's own order of refusals is kept: a body it cannot
     * decode, a missing Name and a bad Status are refused before the token is even looked at
     * ({@link #isRefusedBeforeTokenCheck}); an invalid check definition after.
     */
    public CheckRegistration parseCheckRegistration(byte[] body) {
        JsonFields root = new JsonFields("", readObject(body));
        String name = requiredName(root, "Missing check name");
        String status = root.string("Status");
        if (status != null && !status.isEmpty() && CheckStatus.fromWire(status).isEmpty()) {
            throw RequestRejectedException.badRequest("Bad check status");
        }
        String serviceId = emptyToNull(root.string("ServiceID"));
        CheckDefinition definition = parseCheck(root);
        // Consul's CheckDefinition.HealthCheck: a check without an ID takes its Name as ID.
        String checkId = definition.checkId() != null ? definition.checkId() : name;
        return new CheckRegistration(checkId, serviceId, definition);
    }

    /**
     * Turns a {@code PUT /v1/agent/check/update/{id}} body ({"Status": "...", "Output": "..."}) into the
     * update. As Consul's decoder does, field names match in any case and values that are not strings are
     * ignored; an empty body is an empty status, which is refused like any other unknown status.
     */
    public CheckUpdate parseCheckUpdate(byte[] body) {
        String statusText = "";
        String output = "";
        if (body.length > 0) {
            for (Map.Entry<?, ?> field : readObject(body).entrySet()) {
                String key = String.valueOf(field.getKey());
                if (key.equalsIgnoreCase("Status") && field.getValue() instanceof String text) {
                    statusText = text;
                } else if (key.equalsIgnoreCase("Output") && field.getValue() instanceof String text) {
                    output = text;
                }
            }
        }
        String finalStatus = statusText;
        CheckStatus status = CheckStatus.fromWire(statusText).orElseThrow(() ->
                RequestRejectedException.badRequest("Invalid check status: '" + finalStatus + "'"));
        return new CheckUpdate(status, output);
    }

    /**
     * True for the refusals Consul's handlers give before they resolve the token (decoding, a missing
     * name, an "any" service address, a bad check status on /v1/agent/check/register), so that an
     * unknown token still gets the 400 for these and the 403 for everything the handler checks later.
     */
    public static boolean isRefusedBeforeTokenCheck(RequestRejectedException e) {
        String message = e.getMessage();
        return e.kind() == RequestRejectedException.Kind.BAD_REQUEST
                && (message.startsWith("Request decode failed") || message.equals("Missing service name")
                        || message.equals("Invalid service address") || message.equals("Missing check name")
                        || message.equals("Bad check status"));
    }

    private Map<?, ?> readObject(byte[] body) {
        Object tree;
        try {
            tree = json.read(body);
        } catch (Json.MalformedJsonException e) {
            throw RequestRejectedException.badRequest("Request decode failed: " + e.getMessage());
        }
        if (!(tree instanceof Map)) {
            throw RequestRejectedException.badRequest("Request decode failed: expected a JSON object");
        }
        return (Map<?, ?>) tree;
    }

    private static Weights parseWeights(JsonFields weights) {
        if (weights == null) {
            return Weights.DEFAULT;
        }
        Integer passing = weights.integer("Passing");
        Integer warning = weights.integer("Warning");
        int p = passing == null ? 0 : passing;
        int w = warning == null ? 0 : warning;
        if (p < 1) {
            throw RequestRejectedException.badRequest("Invalid Weights: Passing must be greater than 0");
        }
        if (w < 0) {
            throw RequestRejectedException.badRequest("Invalid Weights: Warning must be greater or equal than 0");
        }
        return new Weights(p, w);
    }

    /** Consul skips a "Check" object whose fields are all zero (Go's CheckType.Empty()). */
    private static boolean isEmptyCheck(JsonFields check) {
        for (String field : List.of("CheckID", "ID", "Name", "Notes", "Status", "HTTP", "Method", "Header", "Body",
                "TCP", "Interval", "Timeout", "TTL", "DeregisterCriticalServiceAfter", "Args", "ScriptArgs", "GRPC",
                "H2PING", "UDP", "AliasService", "AliasNode", "OSService", "DockerContainerID", "Shell")) {
            if (!check.isZero(field)) {
                return false;
            }
        }
        return true;
    }

    private static CheckDefinition parseCheck(JsonFields check) {
        String statusText = check.string("Status");
        CheckStatus status = null;
        if (statusText != null && !statusText.isEmpty()) {
            status = CheckStatus.fromWire(statusText).orElseThrow(() -> RequestRejectedException.badRequest(
                    "Status for checks must 'passing', 'warning', 'critical'"));
        }
        String http = emptyToNull(check.string("HTTP"));
        String tcp = emptyToNull(check.string("TCP"));
        Duration interval = check.duration("Interval");
        Duration ttl = check.duration("TTL");
        Duration timeout = check.duration("Timeout");
        Duration deregisterAfter = check.duration("DeregisterCriticalServiceAfter");
        String unsupported = null;
        for (String field : UNSUPPORTED_CHECK_FIELDS) {
            if (!check.isZero(field)) {
                unsupported = field;
                break;
            }
        }

        boolean intervalCheck = http != null || tcp != null
                || (unsupported != null && !unsupported.startsWith("Alias") && !unsupported.equals("OSService"));
        boolean positiveInterval = interval != null && interval.compareTo(Duration.ZERO) > 0;
        boolean positiveTtl = ttl != null && ttl.compareTo(Duration.ZERO) > 0;
        if (positiveInterval && positiveTtl) {
            throw invalidCheck("Interval and TTL cannot both be specified");
        }
        if (intervalCheck && !positiveInterval) {
            throw invalidCheck("Interval must be > 0 for Script, HTTP, H2PING, TCP or UDP checks");
        }
        if (unsupported != null) {
            throw invalidCheck("consul-emulator runs only HTTP, TCP and TTL checks, not " + unsupported + " checks");
        }
        if (!intervalCheck && !positiveTtl) {
            throw invalidCheck("TTL must be > 0 for TTL checks");
        }

        CheckKind kind = http != null ? CheckKind.HTTP : tcp != null ? CheckKind.TCP : CheckKind.TTL;
        if (kind == CheckKind.HTTP) {
            validateUrl(http);
        }
        String checkId = emptyToNull(check.string("CheckID"));
        if (checkId == null) {
            checkId = emptyToNull(check.string("ID"));
        }
        return new CheckDefinition(checkId, emptyToNull(check.string("Name")), check.string("Notes"), status, kind,
                http, emptyToNull(check.string("Method")), check.stringListMap("Header"), check.string("Body"), tcp,
                kind == CheckKind.TTL ? null : interval, timeout, kind == CheckKind.TTL ? ttl : null,
                deregisterAfter);
    }

    private static void validateUrl(String http) {
        try {
            java.net.URI uri = new java.net.URI(http);
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw invalidCheck("HTTP must be an absolute http(s) URL, got \"" + http + "\"");
            }
        } catch (java.net.URISyntaxException e) {
            throw invalidCheck("HTTP is not a valid URL: \"" + http + "\"");
        }
    }

    private static RequestRejectedException invalidCheck(String reason) {
        return RequestRejectedException.badRequest("Invalid check: " + reason);
    }

    /** Consul refuses a service or check without a Name (absent, null or "") with its own words for each. */
    private static String requiredName(JsonFields root, String refusal) {
        String name = emptyToNull(root.string("Name"));
        if (name == null) {
            throw RequestRejectedException.badRequest(refusal);
        }
        return name;
    }

    private static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}
