package dev.reconnect.gateway;

import dev.reconnect.protocol.AsyncStages;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class GatewayApplication {
    public static void main(String[] args) {
        AsyncStages.onTheCommonPool(); // first: see there
        SpringApplication.run(GatewayApplication.class, args);
    }
}
