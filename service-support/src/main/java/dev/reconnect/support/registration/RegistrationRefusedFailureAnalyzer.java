package dev.reconnect.support.registration;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a refused registration into Spring Boot's "APPLICATION FAILED TO START" report: what
 * happened and which setting fixes it, instead of a stack trace.
 */
public class RegistrationRefusedFailureAnalyzer extends AbstractFailureAnalyzer<RegistrationRefusedException> {
    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, RegistrationRefusedException cause) {
        String action = cause.tokenConfigured()
                ? "Check the token in spring.cloud.consul.token (environment variable CONSUL_TOKEN): the registry does not"
                        + " know it or it lacks service:write on this service."
                : "Set spring.cloud.consul.token (environment variable CONSUL_TOKEN) to an ACL token with service:write on"
                        + " this service.";
        return new FailureAnalysis(cause.getMessage(), action, cause);
    }
}
