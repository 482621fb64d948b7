package dev.reconnect.consul.emulator.http;

import dev.reconnect.consul.emulator.catalog.RequestRejectedException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.Objects;

/**
 * The ACL system of a Consul agent started with {@code acl { enabled = true, default_policy = "deny",
 * tokens { initial_management = "<secret>" } }} and nothing else: one management token that may do
 * everything, and the anonymous token, which under default deny may do nothing. There are no policies,
 * roles or other tokens, so every other secret is unknown.
 *
 * <p>What Consul 1.20 answers, as read in its source (hashicorp/consul):
 * <ul>
 *   <li>{@code agent/http.go} {@code parseTokenInternal}: the token is {@code ?token=}, else
 *       {@code X-Consul-Token}, else {@code Authorization: Bearer <token>}; none (or an empty one) means the
 *       agent's default token, which is unset here, i.e. anonymous.</li>
 *   <li>{@code acl/errors.go}: an unknown secret is {@code ErrNotFound} ("ACL not found"); a missing right is a
 *       {@code PermissionDeniedError} printed as {@code Permission denied: token with AccessorID '<id>' lacks
 *       permission '<resource>:<level>' on "<name>"}. {@code agent/http.go} answers both with 403 and that text
 *       as the body.</li>
 *   <li>The anonymous token's AccessorID is {@code 00000000-0000-0000-0000-000000000002}
 *       ({@code acl.AnonymousTokenID}).</li>
 *   <li>List reads are filtered, not refused (agent/acl.go {@code filterServicesWithAuthorizer},
 *       {@code filterChecksWithAuthorizer}, {@code filterMembers}; the servers' aclFilter for /v1/health and
 *       /v1/catalog): anonymous sees {@code []} or {@code {}} with status 200. The
 *       {@code X-Consul-Results-Filtered-By-ACLs} header is only sent to requests with a valid token
 *       (api-docs/index.mdx, "Results Filtered by ACLs"), and the management token never has anything filtered,
 *       so the emulator never sends it.</li>
 * </ul>
 */
final class Acl {

    /** Consul's {@code acl.AnonymousTokenID}: the accessor named in every refusal of an anonymous request. */
    static final String ANONYMOUS_ACCESSOR_ID = "00000000-0000-0000-0000-000000000002";
    /** Consul's {@code acl.ErrNotFound} text, the whole body of the 403 for an unknown token. */
    static final String ACL_NOT_FOUND = "ACL not found";

    /** The resources of Consul's rules that the emulated endpoints check (acl.Resource). */
    enum Resource {
        AGENT, NODE, SERVICE;

        String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** acl.AccessLevel as printed in refusals. */
    enum Access {
        READ, WRITE;

        String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Who a request acts as: with ACLs off, or with the management token, everything is allowed. */
    static final class Caller {
        static final Caller EVERYTHING = new Caller(true);
        static final Caller ANONYMOUS = new Caller(false);

        private final boolean management;

        private Caller(boolean management) {
            this.management = management;
        }

        /** False for anonymous under default deny, whose list reads come back empty. */
        boolean mayReadEverything() {
            return management;
        }

        boolean isAnonymous() {
            return !management;
        }

        /** Throws Consul's 403 unless the caller holds {@code resource:access} on {@code name}. */
        void require(Resource resource, Access access, String name) {
            if (!management) {
                throw RequestRejectedException.forbidden("Permission denied: token with AccessorID '"
                        + ANONYMOUS_ACCESSOR_ID + "' lacks permission '" + resource.wire() + ":" + access.wire()
                        + "' on \"" + name + "\"");
            }
        }
    }

    private final byte[] managementToken;

    private Acl(String managementToken) {
        this.managementToken = managementToken == null ? null : managementToken.getBytes(StandardCharsets.UTF_8);
    }

    /** ACLs off, as on a plain dev agent: tokens are read but never checked. */
    static Acl disabled() {
        return new Acl(null);
    }

    static Acl enforcing(String managementToken) {
        Objects.requireNonNull(managementToken, "managementToken");
        return new Acl(managementToken);
    }

    boolean enabled() {
        return managementToken != null;
    }

    /** The value of X-Consul-Default-ACL-Policy, which Consul sends on every answer, ACLs on or off. */
    String defaultPolicy() {
        return enabled() ? "deny" : "allow";
    }

    /**
     * Resolves the request's token where Consul resolves it (each endpoint decides when: after its own
     * 400s, before its 404s).
     *
     * @throws RequestRejectedException 403 "ACL not found" for a token that is not the management token
     */
    Caller resolve(ApiRequest request) {
        if (!enabled()) {
            return Caller.EVERYTHING;
        }
        String token = token(request);
        if (token.isEmpty()) {
            return Caller.ANONYMOUS;
        }
        // Constant-time, so the emulator does not teach bad habits to code that copies it.
        if (MessageDigest.isEqual(managementToken, token.getBytes(StandardCharsets.UTF_8))) {
            return Caller.EVERYTHING;
        }
        throw RequestRejectedException.forbidden(ACL_NOT_FOUND);
    }

    /** The token as Consul reads it: ?token=, then X-Consul-Token, then an Authorization Bearer token; else "". */
    static String token(ApiRequest request) {
        String query = request.first("token");
        if (query != null && !query.isEmpty()) {
            return query;
        }
        String header = request.header("X-Consul-Token");
        if (header != null && !header.isEmpty()) {
            return header;
        }
        String authorization = request.header("Authorization");
        if (authorization != null && !authorization.isEmpty()) {
            // "<Scheme> <Value>": Consul takes the first space-separated word after a case-insensitive "Bearer".
            String[] parts = authorization.split(" ");
            if (parts.length > 1 && parts[0].equalsIgnoreCase("bearer")) {
                String value = authorization.substring(parts[0].length()).trim();
                return value.split(" ")[0].trim();
            }
        }
        return "";
    }
}
