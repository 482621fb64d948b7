package dev.reconnect.ws.log;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.CompletionContext;
import org.springframework.cloud.client.loadbalancer.DefaultResponse;
import org.springframework.cloud.client.loadbalancer.EmptyResponse;
import org.springframework.cloud.client.loadbalancer.LoadBalancerLifecycle;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.client.loadbalancer.ResponseData;
import org.springframework.cloud.loadbalancer.core.ReactorServiceInstanceLoadBalancer;
import reactor.core.publisher.Mono;

/**
 * Picks one of the instances {@link LastAnsweredFallbackSupplier} offers and keeps it while it is
 * offered and answers: an instance that stops answering then costs one failed request, where
 * round-robin would send it every n-th request until the registry's health check noticed. A request
 * that gets no HTTP answer, or a 5xx, leaves the instance; the next pick prefers instances that
 * have not failed. As a {@link LoadBalancerLifecycle} it hears how each request ended and tells the
 * supplier which instance answered.
 */
public class StickyLoadBalancer implements ReactorServiceInstanceLoadBalancer,
        LoadBalancerLifecycle<Object, Object, ServiceInstance> {
    private final LastAnsweredFallbackSupplier instances;
    private final AtomicReference<ServiceInstance> kept = new AtomicReference<>();
    /** Addresses whose last request failed; only ever those currently offered. */
    private final Set<String> failed = ConcurrentHashMap.newKeySet();

    public StickyLoadBalancer(LastAnsweredFallbackSupplier instances) {
        this.instances = instances;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Mono<Response<ServiceInstance>> choose(Request request) {
        return instances.get(request).next().map(this::pick);
    }

    private Response<ServiceInstance> pick(List<ServiceInstance> offered) {
        if (offered.isEmpty()) {
            return new EmptyResponse();
        }
        failed.retainAll(offered.stream().map(StickyLoadBalancer::address).toList());
        ServiceInstance current = kept.get();
        if (current != null) {
            for (ServiceInstance instance : offered) {
                if (address(instance).equals(address(current))) {
                    return new DefaultResponse(instance);
                }
            }
        }
        List<ServiceInstance> untried = offered.stream().filter(i -> !failed.contains(address(i))).toList();
        List<ServiceInstance> from = untried.isEmpty() ? offered : untried;
        ServiceInstance chosen = from.get(ThreadLocalRandom.current().nextInt(from.size()));
        kept.set(chosen);
        return new DefaultResponse(chosen);
    }

    @Override
    public void onStart(Request<Object> request) {
    }

    @Override
    public void onStartRequest(Request<Object> request, Response<ServiceInstance> lbResponse) {
    }

    @Override
    public void onComplete(CompletionContext<Object, ServiceInstance, Object> completion) {
        Response<ServiceInstance> chosen = completion.getLoadBalancerResponse();
        if (chosen == null || !chosen.hasServer()) {
            return; // nothing was sent
        }
        ServiceInstance instance = chosen.getServer();
        if (completion.status() == CompletionContext.Status.SUCCESS) {
            instances.answered(instance);
            // A 5xx may come from an instance on its way down: look elsewhere, as after no answer.
            if (completion.getClientResponse() instanceof ResponseData response && response.getHttpStatus() != null
                    && response.getHttpStatus().is5xxServerError()) {
                leave(instance);
            } else {
                failed.remove(address(instance));
            }
        } else if (completion.status() == CompletionContext.Status.FAILED) {
            leave(instance);
        }
    }

    private void leave(ServiceInstance instance) {
        String address = address(instance);
        failed.add(address);
        kept.getAndUpdate(current -> current != null && address(current).equals(address) ? null : current);
    }

    private static String address(ServiceInstance instance) {
        return instance.getHost() + ":" + instance.getPort();
    }
}
