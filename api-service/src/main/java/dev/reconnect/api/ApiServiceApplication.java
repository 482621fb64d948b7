package dev.reconnect.api;

import dev.reconnect.protocol.AsyncStages;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class ApiServiceApplication {
    public static void main(String[] args) {
        AsyncStages.onTheCommonPool(); // first: see there
        SpringApplication.run(ApiServiceApplication.class, args);
    }
}
