package dev.reconnect.consul.emulator.spring.app;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/**
 * The smallest Spring Boot application Spring Cloud Consul will register: web, actuator health,
 * consul discovery, all from auto-configuration. No component scan, so it picks up nothing else.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class DiscoveredApp {
}
