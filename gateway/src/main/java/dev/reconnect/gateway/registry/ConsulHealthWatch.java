package dev.reconnect.gateway.registry;

import dev.reconnect.protocol.RegistryMeta;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.cloud.consul.ConsulAutoConfiguration;
import org.springframework.cloud.consul.ConsulClient;
import org.springframework.cloud.consul.discovery.ConsulDiscoveryProperties;
import org.springframework.cloud.consul.model.http.ConsulHeaders;
import org.springframework.cloud.consul.model.http.health.Check;
import org.springframework.cloud.consul.model.http.health.HealthService;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.http.ResponseEntity;
import org.springframework.util.StringUtils;
import org.springframework.web.client.HttpStatusCodeException;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.support.RestClientAdapter;

/**
 * One blocking query at a time per required service on {@code /v1/health/service/{name}?passing},
 * feeding {@link RegistryView}. A change in Consul reaches the view within one round trip, and a
 * quiet registry costs one request per {@code watch-wait} per service, whatever the number of
 * readiness polls or upgrades.
 *
 * <p>Queries go through Spring Cloud Consul's {@link ConsulClient} with the settings it uses itself:
 * its base URL, scheme and TLS ({@code spring.cloud.consul.*}), the ACL token it registers with, and
 * its discovery settings per service (datacenter, query tags).
 */
public class ConsulHealthWatch implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(ConsulHealthWatch.class);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    /** Consul sends this on every answer; "deny" means an anonymous caller sees only what it is granted. */
    static final String DEFAULT_ACL_POLICY_HEADER = "X-Consul-Default-ACL-Policy";

    private final ConsulClient consul;
    private final String registry;
    private final ConsulDiscoveryProperties discovery;
    private final RegistryView view;
    private final RegistryProperties properties;
    private final long waitSeconds;
    /** One thread per service: each holds one blocking query at a time, and pauses there after a failure. */
    private final ScheduledThreadPoolExecutor queries;
    /** Services whose empty answers were already blamed on a missing token (one ERROR line each). */
    private final Set<String> hiddenByAcls = ConcurrentHashMap.newKeySet();
    private volatile boolean running;

    /**
     * @param consul    a client whose read timeout outlasts a blocking query ({@link #blockingClient})
     * @param registry  where the registry is, for log lines
     * @param discovery Spring Cloud Consul's discovery settings: ACL token, datacenters, query tags
     */
    public ConsulHealthWatch(ConsulClient consul, String registry, ConsulDiscoveryProperties discovery,
                             RegistryView view, RegistryProperties properties) {
        this.consul = consul;
        this.registry = registry;
        this.discovery = discovery;
        this.view = view;
        this.properties = properties;
        this.waitSeconds = waitSeconds(properties.watchWait());
        this.queries = new ScheduledThreadPoolExecutor(view.requiredServices().size(), runnable -> {
            Thread thread = new Thread(runnable, "consul-watch");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Spring Cloud Consul's {@code ConsulClient}, on the same base URL and TLS settings as its own bean
     * ({@link ConsulAutoConfiguration.ConsulClientSettings}), but with a read timeout that outlasts a
     * blocking query. The bean's request factory keeps its library default: Reactor Netty's 10 s
     * response timeout in the gateway, shorter than a 10 s query plus Consul's jitter (up to 1/16 of
     * the wait), so every quiet query would end as an error and readiness would flap to "registry
     * unavailable". This client also lets 4xx answers through as errors, where the bean swallows them.
     */
    public static ConsulClient blockingClient(ConsulAutoConfiguration.ConsulClientSettings settings, Duration watchWait) {
        HttpClientSettings http = settings.httpClientSettings() != null ? settings.httpClientSettings()
                : HttpClientSettings.defaults();
        RestClient rest = RestClient.builder()
                .baseUrl(settings.baseUrl())
                .requestFactory(ClientHttpRequestFactoryBuilder.detect()
                        .build(http.withTimeouts(CONNECT_TIMEOUT, readTimeout(watchWait))))
                .build();
        return ConsulAutoConfiguration.createNewConsulClient(RestClientAdapter.create(rest));
    }

    /** Consul's longest answer time for this wait (plus 1/16 jitter), and room for a slow network. */
    static Duration readTimeout(Duration watchWait) {
        Duration wait = Duration.ofSeconds(waitSeconds(watchWait));
        return wait.plus(wait.dividedBy(16)).plus(CONNECT_TIMEOUT);
    }

    /** Spring Cloud Consul sends the wait in whole seconds: round up, never below one. */
    static long waitSeconds(Duration watchWait) {
        return Math.max(1, (watchWait.toMillis() + 999) / 1000);
    }

    @Override
    public void start() {
        running = true;
        for (String service : view.requiredServices()) {
            queries.execute(() -> poll(service, 0));
        }
        log.info("Watching the health of {} in the registry at {} ({})", view.requiredServices(), registry,
                hasToken() ? "with an ACL token" : "no ACL token set");
    }

    @Override
    public void stop() {
        running = false;
        queries.shutdownNow();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void poll(String service, long index) {
        if (!running) {
            return;
        }
        ResponseEntity<List<HealthService>> answer;
        try {
            answer = consul.getHealthServices(service, true, token(), queryTags(service),
                    new ConsulClient.QueryParams(discovery.getDatacenters().get(service), waitSeconds, index));
        } catch (RuntimeException e) {
            if (running) { // else: interrupted by stop(), which is no news about the registry
                failed(service, describe(e));
            }
            return;
        }
        Long next = ConsulHeaders.getConsulIndex(answer);
        if (next == null || next <= 0) {
            // Without an index the next query would not block: pause instead of looping hot.
            failed(service, "answered without an X-Consul-Index");
            return;
        }
        List<Instance> instances;
        try {
            instances = instances(answer.getBody());
        } catch (RuntimeException e) {
            failed(service, "answered something that is not a health list (" + e.getClass().getSimpleName() + ")");
            return;
        }
        noticeAclFiltering(service, answer, instances);
        view.update(service, instances);
        // Consul: an index that goes backwards means the agent's state was reset; start over.
        long following = next < index ? 0 : next;
        submit(() -> poll(service, following), 0);
    }

    private void failed(String service, String reason) {
        view.unreachable(service, reason);
        submit(() -> poll(service, 0), properties.retryDelay().toMillis());
    }

    private void submit(Runnable query, long delayMillis) {
        if (!running) {
            return;
        }
        try {
            queries.schedule(query, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // stopped meanwhile
        }
    }

    /**
     * Under default-deny ACLs Consul does not refuse an anonymous list read: it answers an empty list.
     * Without this line a missing token would look exactly like "no instance is passing".
     */
    private void noticeAclFiltering(String service, ResponseEntity<?> answer, List<Instance> instances) {
        boolean hidden = instances.isEmpty() && !hasToken()
                && "deny".equalsIgnoreCase(answer.getHeaders().getFirst(DEFAULT_ACL_POLICY_HEADER));
        if (!hidden) {
            hiddenByAcls.remove(service);
        } else if (hiddenByAcls.add(service)) {
            log.error("The registry enforces ACLs (default policy deny) and the gateway sends no ACL token, so it sees"
                    + " no instance of {}: set spring.cloud.consul.token (environment variable CONSUL_TOKEN)", service);
        }
    }

    /** Passing instances from a health answer; the address falls back to the node's, as Consul's own clients do. */
    static List<Instance> instances(List<HealthService> entries) {
        if (entries == null) {
            throw new IllegalArgumentException("no health list in the answer");
        }
        List<Instance> instances = new ArrayList<>();
        for (HealthService entry : entries) {
            HealthService.Service service = entry.getService();
            if (service == null) {
                throw new IllegalArgumentException("a health entry without its service");
            }
            String host = StringUtils.hasText(service.getAddress()) ? service.getAddress()
                    : entry.getNode() == null || entry.getNode().getAddress() == null ? "" : entry.getNode().getAddress();
            long healthIndex = orZero(service.getModifyIndex());
            if (entry.getChecks() != null) {
                for (Check check : entry.getChecks()) {
                    healthIndex = Math.max(healthIndex, orZero(check.getModifyIndex()));
                }
            }
            instances.add(new Instance(service.getId() == null ? "" : service.getId(), host,
                    service.getPort() == null ? 0 : service.getPort(), healthIndex, connectsPerSecond(service)));
        }
        return instances;
    }

    /**
     * The capacity an instance registered, 0 when it said nothing usable: a value that is not a positive
     * whole number is another operator's typo, not a reason to refuse the instance (it is still routed).
     */
    static int connectsPerSecond(HealthService.Service service) {
        String value = service.getMeta() == null ? null : service.getMeta().get(RegistryMeta.CONNECTS_PER_SECOND);
        if (value == null) {
            return 0;
        }
        try {
            return Math.max(0, Integer.parseInt(value.trim()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private List<String> queryTags(String service) {
        String[] tags = discovery.getQueryTagsForService(service);
        return tags == null || tags.length == 0 ? null : List.of(tags);
    }

    private boolean hasToken() {
        return StringUtils.hasText(discovery.getAclToken());
    }

    private String token() {
        return hasToken() ? discovery.getAclToken() : null;
    }

    private static long orZero(Long value) {
        return value == null ? 0 : value;
    }

    private String describe(RuntimeException error) {
        if (error instanceof HttpStatusCodeException status) {
            String body = status.getResponseBodyAsString().strip();
            body = body.length() > 200 ? body.substring(0, 200) + "…" : body;
            String answer = "answered " + status.getStatusCode().value() + (body.isEmpty() ? "" : " " + body);
            if (status.getStatusCode().value() == 403) {
                return answer + (hasToken() ? ": the gateway's ACL token (spring.cloud.consul.token, CONSUL_TOKEN) was refused"
                        : ": set spring.cloud.consul.token (environment variable CONSUL_TOKEN)");
            }
            return answer;
        }
        Throwable cause = NestedExceptionUtils.getMostSpecificCause(error);
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
